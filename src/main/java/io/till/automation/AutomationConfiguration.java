package io.till.automation;

import io.till.action.Actions;
import io.till.automation.engine.Engine;
import io.till.shared.web.ParameterValues;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AutomationSettings.class)
class AutomationConfiguration {

    /** The statuses the executions list takes. */
    static final List<String> EXECUTION_STATUSES = List.of("pending", "running", "waiting", "succeeded", "failed",
        "canceled");

    @Bean
    DefinitionParser definitionParser(Actions actions) {
        return new DefinitionParser(actions.catalog());
    }

    @Bean
    Engine engine(Actions actions) {
        return new Engine(name -> actions.find(name).map(action -> action.schema()).orElse(null));
    }

    /** The statuses the executions list takes, for the OpenAPI document. */
    @Bean
    ParameterValues executionStatuses() {
        return new ParameterValues("/api/v1/executions", "status", EXECUTION_STATUSES);
    }
}
