package io.till.shared.web;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/** How Till reads JSON beyond the properties in application.properties. */
@Configuration(proxyBeanMethods = false)
class JsonConfiguration {

    /**
     * A whole-number field (every amount, in the currency's minor unit; counts; days) takes a JSON integer only. By
     * default Jackson cuts {@code 19.99} down to 19 and reads {@code "1999"} as 1999: a client that sends dollars
     * would sell at 19 cents, silently. Refused instead, naming the field.
     */
    @Bean
    JsonMapperBuilderCustomizer wholeNumbersOnly() {
        return builder -> builder.withCoercionConfig(LogicalType.Integer, config -> config
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            // And a text field takes text: {"name": 123} is a mistake, not the name "123".
            .withCoercionConfig(LogicalType.Textual, config -> config
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    /**
     * A field sent twice in one object ({@code {"email": "a@…", "email": "b@…"}}) is refused: by default the last one
     * wins, so what a client's log shows and what Till stored could differ, and two parsers of the same body (a proxy
     * checking it, Till storing it) could disagree about what it says.
     */
    @Bean
    JsonMapperBuilderCustomizer eachFieldOnce() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }
}
