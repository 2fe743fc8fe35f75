package io.till.shared.web;

import io.till.shared.Timestamps;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.module.SimpleModule;
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

    /**
     * A moment ({@code due_at}, {@code next_bill_at}) is RFC 3339 text with its offset, in the years 1 to 9999. By
     * default Jackson also reads a number as seconds since 1970 ({@code 1e300} became 1970, {@code -1} 1969) and takes
     * years PostgreSQL then refuses (a 500); both are refused instead, naming the field.
     */
    @Bean
    JsonMapperBuilderCustomizer momentsAsText() {
        var moments = new SimpleModule("moments").addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
            @Override
            public Instant deserialize(JsonParser parser, DeserializationContext context) {
                if (parser.currentToken() != JsonToken.VALUE_STRING) {
                    throw new DateTimeException("a moment is text, not " + parser.currentToken());
                }
                Instant moment = OffsetDateTime.parse(parser.getString().strip()).toInstant();
                if (!Timestamps.storable(moment)) {
                    throw new DateTimeException("beyond the years 1 to 9999");
                }
                return moment;
            }
        });
        return builder -> builder.addModule(moments);
    }

    /**
     * A number with a fraction is kept as sent: by default Jackson reads it as a double, so a custom event's
     * {@code 1.0000000000000000000000001} was stored as {@code 1.0} and {@code 9007199254740993.0} as {@code …992}, and
     * the answer to the post differed from a later read ({@code 1.2345678901234568E29} against PostgreSQL's plain
     * digits). Read as a decimal and written as plain digits, it is what PostgreSQL stores and gives back.
     */
    @Bean
    JsonMapperBuilderCustomizer exactDecimals() {
        return builder -> builder.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN);
    }
}
