package io.till.task;

import io.till.shared.web.ParameterValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The statuses the tasks list takes, for the OpenAPI document. */
@Configuration(proxyBeanMethods = false)
class TaskListValues {

    @Bean
    ParameterValues taskStatuses() {
        return new ParameterValues("/api/v1/tasks", "status", TaskController.STATUSES);
    }
}
