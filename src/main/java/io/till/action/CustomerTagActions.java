package io.till.action;

import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.customer.Customers;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.node.JsonNodeFactory;

/** {@code add_tag} and {@code remove_tag}: tag the execution's customer. Both are idempotent by nature. */
@Configuration(proxyBeanMethods = false)
class CustomerTagActions {

    @Bean
    Action addTag(Customers customers) {
        return new TagAction(customers, true);
    }

    @Bean
    Action removeTag(Customers customers) {
        return new TagAction(customers, false);
    }

    /** What a customer's record takes as a tag (CustomerFields). */
    static final int MAX_TAG_LENGTH = 50;

    private record TagAction(Customers customers, boolean adding) implements Action {

        @Override
        public ActionSchema schema() {
            return ActionSchema.of(adding ? "add_tag" : "remove_tag",
                adding ? "Adds a tag to the customer" : "Removes a tag from the customer",
                Param.required("tag", Type.STRING, "the tag, at most 50 characters"))
                .checking(TagAction::check);
        }

        /** A customer's tag as the customer's record takes it: at most 50 characters, on one line. */
        static void check(ActionSchema.Values params) {
            String tag = params.literal("tag");
            if (tag != null && (tag.length() > MAX_TAG_LENGTH || tag.chars().anyMatch(c -> c == '\n' || c == '\r'))) {
                params.refuse("tag", "invalid_params", "a tag is at most " + MAX_TAG_LENGTH + " characters, on one "
                    + "line");
            }
        }

        /** Rows of Till's database only: the customer and the event its change raises. */
        @Override
        public boolean transactional() {
            return true;
        }

        @Override
        public ActionResult perform(ActionCall call) {
            if (call.customerId() == null) {
                return RecordFailures.noCustomer();
            }
            var refused = refusal(call);
            if (refused.isPresent()) {
                return refused.get();
            }
            String tag = call.params().get("tag").asString().strip();
            return RecordFailures.guard(() -> {
                var customer = customers.changeTags(call.accountId(), call.customerId(),
                    adding ? List.of(tag) : List.of(), adding ? List.of() : List.of(tag));
                var tags = JsonNodeFactory.instance.arrayNode();
                customer.tags().forEach(tags::add);
                return new ActionResult.Done(JsonNodeFactory.instance.objectNode().put("customer_id", customer.id())
                    .set("tags", tags));
            });
        }
    }
}
