package io.till.automation;

import java.util.Set;

/** The actions a step may call (PRODUCT.md §5); each gets its implementation through the Action SPI. */
public final class ActionCatalog {

    public static final Set<String> NAMES = Set.of(
        "send_email", "send_sms", "send_slack", "send_webhook",
        "crm.add_tag", "crm.remove_tag", "crm.start_automation", "crm.sync_contact",
        "retry_payment", "void_invoice", "create_credit_note", "apply_credits", "grant_credits",
        "cancel_subscription", "pause_subscription", "mark_uncollectible",
        "update_customer", "add_tag", "remove_tag", "create_task");

    private ActionCatalog() {}
}
