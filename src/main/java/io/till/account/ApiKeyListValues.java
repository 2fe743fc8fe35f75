package io.till.account;

import io.till.shared.web.ParameterValues;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The statuses the API keys list takes, for the OpenAPI document: the names of {@link ApiKey.Status}. */
@Configuration(proxyBeanMethods = false)
class ApiKeyListValues {

    @Bean
    ParameterValues apiKeyStatuses() {
        return new ParameterValues("/api/v1/api_keys", "status", Arrays.stream(ApiKey.Status.values())
            .map(status -> status.name().toLowerCase(Locale.ROOT))
            .toList());
    }
}
