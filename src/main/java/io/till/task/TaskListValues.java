package io.till.task;

import io.till.shared.web.ParameterValues;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The statuses the tasks list takes, for the OpenAPI document. */
@Configuration(proxyBeanMethods = false)
class TaskListValues {

    /** The statuses the tasks list takes. */
    static final List<String> STATUSES = List.of("open", "done");

    @Bean
    ParameterValues taskStatuses() {
        return new ParameterValues("/api/v1/tasks", "status", STATUSES);
    }
}
