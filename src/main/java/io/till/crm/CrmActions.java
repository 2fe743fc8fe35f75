package io.till.crm;

import io.till.action.Action;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.ActionSchema;
import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.action.OutboundCalls;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.egress.ConnectionFailure;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code crm.*} actions (PRODUCT.md §5): each upserts the customer as a contact by email first, so a tag or an
 * enrolment never misses because the contact was not synced yet, then does its one thing. Every operation but the
 * enrolment is safe to repeat, so a retried step needs no idempotency record; the enrolment keeps one
 * ({@link OutboundCalls}).
 */
@Configuration(proxyBeanMethods = false)
public class CrmActions {

    private static final Param CRM = Param.required("crm", Type.STRING, "the CRM: activecampaign, hubspot or keap")
        .allowing(CrmType.codes());
    private static final Param CUSTOMER = Param.optional("customer_id", Type.STRING,
        "the customer; the execution's by default");
    private static final Param TAG = Param.required("tag", Type.STRING,
        "the tag's name (for Keap, an existing tag's name or id)");

    public static final ActionSchema SYNC_CONTACT = ActionSchema.of("crm.sync_contact",
        "Creates or updates the customer as a CRM contact, matched by email", CRM, CUSTOMER);
    public static final ActionSchema ADD_TAG = ActionSchema.of("crm.add_tag",
        "Tags the customer's CRM contact (HubSpot: checks the value in the tag property)", CRM, TAG, CUSTOMER)
        .checking(CrmActions::checkTag);
    public static final ActionSchema REMOVE_TAG = ActionSchema.of("crm.remove_tag",
        "Takes a tag off the customer's CRM contact (HubSpot: unchecks the value in the tag property)", CRM, TAG,
        CUSTOMER).checking(CrmActions::checkTag);
    public static final ActionSchema START_AUTOMATION = ActionSchema.of("crm.start_automation",
        "Enrols the customer's CRM contact in an ActiveCampaign automation, a HubSpot workflow or a Keap sequence", CRM,
        Param.required("automation_id", Type.STRING, "ActiveCampaign automation id, HubSpot workflow id, or Keap "
            + "campaignId:sequenceId"),
        CUSTOMER);

    /** What the action does once the contact is upserted: adds to {@code output}. */
    @FunctionalInterface
    interface Operation {
        void apply(CrmClient client, String contactId, Contact contact, ActionCall call, ObjectNode output);
    }

    @Bean
    Action crmSyncContact(CrmClients clients, Customers customers) {
        return new CrmAction(SYNC_CONTACT, clients, customers, (client, contactId, contact, call, output) -> {
        });
    }

    @Bean
    Action crmAddTag(CrmClients clients, Customers customers) {
        return new CrmAction(ADD_TAG, clients, customers, (client, contactId, contact, call, output) -> {
            String tag = tag(call);
            output.put("tag", tag).put("tag_id", client.addTag(contactId, contact, tag));
        });
    }

    @Bean
    Action crmRemoveTag(CrmClients clients, Customers customers) {
        return new CrmAction(REMOVE_TAG, clients, customers, (client, contactId, contact, call, output) -> {
            String tag = tag(call);
            output.put("tag", tag).put("removed", client.removeTag(contactId, contact, tag));
        });
    }

    /**
     * An enrolment is the one CRM call a repeat is not safe for (a vendor automation that allows re-entry runs twice):
     * its step key is reserved first, and a step run again after it enrolled does not enrol again.
     */
    @Bean
    Action crmStartAutomation(CrmClients clients, Customers customers, OutboundCalls calls) {
        return new CrmAction(START_AUTOMATION, clients, customers, (client, contactId, contact, call, output) -> {
            String automation = call.params().get("automation_id").asString().strip();
            output.put("automation_id", automation);
            var before = calls.reserve(call, START_AUTOMATION.name());
            if (before instanceof OutboundCalls.Done) {
                return;
            }
            try {
                client.startAutomation(contactId, contact, automation);
            } catch (CrmFailure failure) {
                if (failure.answeredNo()) {
                    // The CRM answered no, or the call never reached it: nothing was enrolled, so the next attempt
                    // is not in doubt.
                    calls.refused(call, before);
                }
                throw failure;
            }
            if (before instanceof OutboundCalls.InDoubt) {
                output.put("may_have_been_sent_twice", true);
            }
            calls.done(call, output);
        });
    }

    /**
     * HubSpot stores a multiple-checkbox property's values as one string joined by ";", so a tag holding one would be
     * set as several values and could never be removed as the tag it was: refused when saved if literal, else when run.
     */
    static void checkTag(ActionSchema.Values params) {
        String tag = params.literal("tag");
        if (tag != null && tag.contains(";") && CrmType.HUBSPOT.code().equals(params.literal("crm"))) {
            params.refuse("tag", "invalid_params", "a HubSpot tag cannot contain ';': HubSpot separates the values "
                + "of the tag property with it");
        }
    }

    private static String tag(ActionCall call) {
        return call.params().get("tag").asString().strip();
    }

    private record CrmAction(ActionSchema schema, CrmClients clients, Customers customers, Operation operation)
        implements
            Action {

        @Override
        public ActionResult perform(ActionCall call) {
            var params = call.params();
            Optional<CrmType> crm = CrmType.parse(params.path("crm").asString(""));
            if (crm.isEmpty()) {
                return ActionResult.Failed.permanent("invalid_params", "params.crm: must be one of " + List.of(CrmType
                    .codes()));
            }
            var refusal = schema.refusal(params);
            if (refusal.isPresent()) {
                return refusal.get();
            }
            String customerId = params.hasNonNull("customer_id")
                ? params.get("customer_id").asString()
                : call.customerId();
            if (customerId == null) {
                return ActionResult.Failed.permanent("no_customer", "this execution is not about a customer: name "
                    + "one in customer_id");
            }
            Optional<Customer> customer = customers.find(call.accountId(), customerId);
            if (customer.isEmpty()) {
                return ActionResult.Failed.permanent("not_found", "params.customer_id: no customer " + customerId);
            }
            if (customer.get().redactedAt() != null) {
                // What is left of them ([redacted], an .invalid address) would become a contact of its own.
                return ActionResult.Failed.permanent("customer_erased", "The personal data of customer " + customerId
                    + " was erased: nothing is sent to the CRM about them.");
            }
            if (customer.get().email() == null || customer.get().email().isBlank()) {
                return ActionResult.Failed.permanent("no_email", "customer " + customerId + " has no email, which "
                    + "the CRM matches contacts on");
            }
            var contact = Contact.of(customer.get().email(), customer.get().name(), customer.get().phone());
            try {
                Optional<CrmClient> client = clients.open(call.accountId(), crm.get());
                if (client.isEmpty()) {
                    return ActionResult.Failed.permanent("integration_missing", "this account has no " + crm.get()
                        .code() + " integration: connect it under /api/v1/integrations");
                }
                String contactId = client.get().upsertContact(contact);
                ObjectNode output = JsonNodeFactory.instance.objectNode().put("crm", crm.get().code()).put(
                    "contact_id", contactId);
                operation.apply(client.get(), contactId, contact, call, output);
                return new ActionResult.Done(output);
            } catch (CrmFailure failure) {
                // Every call this node makes to the CRM at once is open: this one was not sent, and waits its turn.
                return failure.kind() == ConnectionFailure.BUSY
                    ? ActionResult.Deferred.hostBusy(failure.getMessage())
                    : failure.failed();
            }
        }
    }
}
