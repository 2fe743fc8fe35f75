package io.till.action;

import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.crm.CrmActions;
import io.till.message.SendEmailAction;
import io.till.message.SendSmsAction;
import java.util.List;
import java.util.Map;

/** The catalog of action schemas the running Till has, for pure tests that need no Spring context. */
public final class ActionCatalogs {

    private ActionCatalogs() {}

    /** The real schemas (the record actions' schemas need none of their collaborators). */
    public static Map<String, ActionSchema> real() {
        var tags = new CustomerTagActions();
        var billing = new BillingActionBeans();
        return new Actions(List.of(tags.addTag(null), tags.removeTag(null), new UpdateCustomerAction(null),
            new CreateTaskAction(null, null, null, null), billing.retryPayment(null, null),
            billing.voidInvoice(null, null), billing.markUncollectible(null, null),
            billing.createCreditNote(null, null),
            billing.applyCredits(null, null), billing.grantCredits(null), billing.cancelSubscription(null, null),
            billing.pauseSubscription(null, null),
            schemaOnly(SendEmailAction.SCHEMA), schemaOnly(SendSmsAction.SCHEMA),
            new SendSlackAction(null, null, null, null),
            schemaOnly(io.till.webhook.SendWebhookAction.SCHEMA), schemaOnly(CrmActions.SYNC_CONTACT), schemaOnly(
                CrmActions.ADD_TAG),
            schemaOnly(CrmActions.REMOVE_TAG), schemaOnly(CrmActions.START_AUTOMATION)))
            .catalog();
    }

    private static Action schemaOnly(ActionSchema schema) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return schema;
            }

            @Override
            public ActionResult perform(ActionCall call) {
                throw new UnsupportedOperationException("a schema only");
            }
        };
    }

    /** A small catalog: add_tag taking a tag, and an open send_email. */
    public static Map<String, ActionSchema> small() {
        return Map.of("add_tag", ActionSchema.of("add_tag", "tags", Param.required("tag", Type.STRING, "the tag")),
            "send_email", new ActionSchema("send_email", "mail", List.of(), true),
            "create_task", ActionSchema.of("create_task", "task", Param.required("title", Type.STRING, "title"),
                Param.optional("notes", Type.STRING, "notes")));
    }
}
