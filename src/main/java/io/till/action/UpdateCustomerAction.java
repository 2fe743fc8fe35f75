package io.till.action;

import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.customer.Customers;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;

/** {@code update_customer}: sets the given fields of the execution's customer, checked like an API update. */
@Component
class UpdateCustomerAction implements Action {

    private final Customers customers;

    UpdateCustomerAction(Customers customers) {
        this.customers = customers;
    }

    @Override
    public ActionSchema schema() {
        return ActionSchema.of("update_customer", "Sets fields of the customer",
            Param.optional("name", Type.STRING, "the customer's name"),
            Param.optional("email", Type.STRING, "the customer's email"),
            Param.optional("phone", Type.STRING, "the customer's phone, E.164 (+14155550100)"),
            Param.optional("metadata", Type.OBJECT, "metadata to set, string values"),
            Param.optional("marketing_consent", Type.BOOLEAN, "whether the customer agreed to marketing"))
            .checking(UpdateCustomerAction::check);
    }

    /** A step that sets nothing would fail every run: refused when saved. */
    static void check(ActionSchema.Values params) {
        if (Stream.of("name", "email", "phone", "metadata", "marketing_consent").noneMatch(params::given)) {
            params.refuse("name", "invalid_params", "give at least one field to set: name, email, phone, metadata or "
                + "marketing_consent");
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
        if (call.params().isEmpty()) {
            return ActionResult.Failed.permanent("invalid_params", "params: give at least one field to set");
        }
        return RecordFailures.guard(() -> {
            var customer = customers.update(call.accountId(), call.customerId(), call.params());
            return new ActionResult.Done(JsonNodeFactory.instance.objectNode().put("customer_id", customer.id())
                .put("updated_at", customer.updatedAt().toString()));
        });
    }
}
