package io.till.automation;

import io.till.account.Accounts;
import io.till.account.Brandings;
import io.till.automation.engine.Conditions;
import io.till.automation.engine.Program;
import io.till.automation.engine.Templates;
import io.till.billing.Invoices;
import io.till.billing.Orders;
import io.till.billing.PaymentPlans;
import io.till.billing.Payments;
import io.till.billing.Subscriptions;
import io.till.catalog.Products;
import io.till.customer.Cards;
import io.till.customer.CustomerStats;
import io.till.customer.Customers;
import io.till.portal.CardLinks;
import io.till.shared.Amounts;
import io.till.shared.TillException;
import io.till.shared.web.PublicAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the context a step sees (PRODUCT.md §4): {@code event} is the snapshot that started the run; the customer,
 * invoice, subscription, payment, order, payment plan and card it names are read fresh, now (the customer with their
 * stats), so that "three days later, if
 * the invoice is still unpaid" sees today's invoice. Only the roots a definition uses are read. Money fields get a
 * {@code _formatted} twin ({@code invoice.amount_due_formatted} = {@code $100.00}), and so do the records' moments
 * ({@code subscription.current_period_end_formatted} = {@code January 30, 2027}).
 */
@Component
class ExecutionContexts {

    static final Set<String> MONEY = Set.of("amount", "amount_due", "amount_remaining", "amount_refunded",
        "amount_credited",
        "total", "subtotal", "discount", "balance", "amount_paid", "remaining");

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMMM d, uuuu", Locale.US);

    private final JsonMapper json;
    private final Accounts accounts;
    private final Brandings brandings;
    private final Customers customers;
    private final CustomerStats.Source stats;
    private final Map<String, BiFunction<String, String, Object>> fresh;
    private final PublicAddress publicAddress;
    private final CardLinks cardLinks;
    private final Subscriptions subscriptions;
    private final PaymentPlans plans;
    private final Orders orders;
    private final Products products;

    ExecutionContexts(JsonMapper json, Accounts accounts, Brandings brandings, Customers customers,
        CustomerStats.Source stats,
        Cards cards, Invoices invoices,
        Subscriptions subscriptions, Payments payments, Orders orders, PaymentPlans plans,
        PublicAddress publicAddress, CardLinks cardLinks, Products products) {
        this.json = json;
        this.accounts = accounts;
        this.brandings = brandings;
        this.customers = customers;
        this.stats = stats;
        // The roots of RecordFields.FRESH.
        this.fresh = Map.of("invoice", invoices::get, "subscription", subscriptions::get, "payment", payments::get,
            "order", orders::get, "payment_plan", plans::get, "card",
            (accountId, id) -> cards.findOnRecord(accountId, id)
                .orElseThrow(() -> TillException.notFound("payment method", id)));
        this.publicAddress = publicAddress;
        this.cardLinks = cardLinks;
        this.subscriptions = subscriptions;
        this.plans = plans;
        this.orders = orders;
        this.products = products;
    }

    /** Whether the automation's conditions, if it has any, hold for a start by {@code trigger}. */
    boolean conditionsHold(Program program, String accountId, String customerId, JsonNode trigger) {
        var conditions = program.definition().conditions();
        return conditions == null || Conditions.test(conditions, load(program, accountId, customerId, trigger));
    }

    /** The context's roots that no object of an event's data takes the place of. */
    private static final Set<String> OWN_ROOTS = Set.of("event", Templates.WITHHELD);

    /** What a preview shows in place of a card update link's token: no link opens with it. */
    static final String PREVIEW_CARD_LINK = "made-when-the-email-is-sent";

    /** The context for one step of an execution about {@code customerId}, started by {@code trigger}. */
    ObjectNode load(Program program, String accountId, String customerId, JsonNode trigger) {
        return load(program, accountId, customerId, trigger, false);
    }

    /**
     * The context a dry run, a backtest or an explanation reads: as {@link #load}, but its card update link is a
     * stand-in that opens nothing, so that what staff see in a test is never a working key to a buyer's cards.
     */
    ObjectNode preview(Program program, String accountId, String customerId, JsonNode trigger) {
        return load(program, accountId, customerId, trigger, true);
    }

    private ObjectNode load(Program program, String accountId, String customerId, JsonNode trigger,
        boolean preview) {
        ObjectNode context = json.createObjectNode();
        // A copy: the context adds to the event's records (their formatted twins), and callers go on to save the event
        // they were given as the run's trigger (and share it between the runs one event starts), which must stay the
        // event as it was recorded.
        JsonNode event = trigger.deepCopy();
        context.set("event", event);
        JsonNode data = event.path("data");
        if (data.isObject()) {
            for (var entry : data.properties()) {
                // Not over the event itself, nor over what the context says of itself: a custom event's "event" (a
                // webinar) is read as event.data.event.
                if (entry.getValue().isObject() && !OWN_ROOTS.contains(entry.getKey())) {
                    context.set(entry.getKey(), entry.getValue());
                }
            }
        }
        ObjectNode withheld = json.createObjectNode();
        fresh.forEach((root, read) -> {
            String id = context.path(root).path("id").asString(null);
            if (program.uses(root) && id != null) {
                try {
                    JsonNode record = json.valueToTree(read.apply(accountId, id));
                    if (ofAnother(record, customerId)) {
                        // Named by a custom event's or a run by hand's data (a mix-up in the seller's system): none
                        // of it, fresh or as the data has it, goes into what this run says to its customer.
                        context.remove(root);
                        withheld.put(root, othersRecord(root, id, customerId));
                    } else {
                        context.set(root, record);
                    }
                } catch (TillException notFound) {
                    // Gone since the event (deleted test data, say): the snapshot is the best there is.
                }
            }
        });
        if (!withheld.isEmpty()) {
            context.set(Templates.WITHHELD, withheld);
        }
        if ((program.uses("product") || program.uses("option")) && !context.has("product")) {
            productOf(accountId, context).ifPresent(bought -> {
                products.find(accountId, bought.productId())
                    .ifPresent(product -> context.set("product", json.valueToTree(product)));
                if (bought.optionId() != null) {
                    products.option(accountId, bought.optionId())
                        .ifPresent(option -> context.set("option", json.valueToTree(option)));
                }
            });
        }
        if (customerId != null && program.uses("customer")) {
            customers.find(accountId, customerId).ifPresent(customer -> {
                ObjectNode node = json.valueToTree(customer);
                String name = customer.name() == null ? "" : customer.name().strip();
                int space = name.indexOf(' ');
                node.put("first_name", space < 0 ? name : name.substring(0, space));
                node.put("last_name", space < 0 ? "" : name.substring(space + 1).strip());
                // As the customer API shows them: "unless they came back" reads customer.stats.active_subscriptions.
                node.set("stats", json.valueToTree(stats.of(accountId, customerId)));
                context.set("customer", node);
            });
        }
        if (program.uses("account")) {
            var account = accounts.get(accountId);
            context.set("account", json.createObjectNode().put("id", account.id()).put("name", account.name())
                .put("mode", account.mode().code()));
        }
        if (program.uses("portal")) {
            String portal = publicAddress.baseUrl() + "/portal/" + accountId;
            // Without a customer there is no card to update: the sign-in page is the best link there is.
            String cardLink = customerId == null
                ? portal
                : preview ? portal + "/card_link/" + PREVIEW_CARD_LINK : cardLinks.url(accountId, customerId);
            context.set("portal", json.createObjectNode().put("url", portal).put("card_update_url", cardLink));
        }
        // The store's time zone is read only when the context has a moment to write.
        var zone = new java.util.concurrent.atomic.AtomicReference<ZoneId>();
        addFormattedTwins(context, () -> {
            if (zone.get() == null) {
                zone.set(brandings.get(accountId).zone());
            }
            return zone.get();
        });
        return context;
    }

    /**
     * The root of {@code data} (a run by hand's) that names a record of another customer than {@code customerId}, with
     * why it is refused; empty when there is none.
     */
    Optional<Map.Entry<String, String>> othersRecordIn(String accountId, String customerId, JsonNode data) {
        if (customerId == null || data == null || !data.isObject()) {
            return Optional.empty();
        }
        for (var entry : fresh.entrySet()) {
            String id = data.path(entry.getKey()).path("id").asString(null);
            if (id == null) {
                continue;
            }
            try {
                if (ofAnother(json.valueToTree(entry.getValue().apply(accountId, id)), customerId)) {
                    return Optional.of(Map.entry(entry.getKey(), othersRecord(entry.getKey(), id, customerId)));
                }
            } catch (TillException notFound) {
                // Not a record of this account: the data is the run's own to carry.
            }
        }
        return Optional.empty();
    }

    private static boolean ofAnother(JsonNode record, String customerId) {
        String owner = record.path("customer_id").asString(null);
        return customerId != null && owner != null && !owner.equals(customerId);
    }

    private static String othersRecord(String root, String id, String customerId) {
        return root.replace('_', ' ') + " " + id + " is another customer's, and a run about " + customerId
            + " never reads it";
    }

    /** A product and the option of it that was bought. */
    private record Bought(String productId, String optionId) {}

    /**
     * What the run's subject is for (ContextRoots): its subscription's or plan's product and option, an invoice's or
     * payment's through its subscription, plan or order, an order's through the option it sold.
     */
    private Optional<Bought> productOf(String accountId, ObjectNode context) {
        for (String root : List.of("subscription", "payment_plan")) {
            JsonNode record = context.path(root);
            // Ids only: a sample's or a custom event's data may hold anything under these names.
            if (record.path("product_id").isString()) {
                return Optional.of(new Bought(record.get("product_id").asString(), record.path("option_id")
                    .asString(null)));
            }
        }
        JsonNode order = context.path("order");
        if (order.isObject()) {
            return sold(order);
        }
        for (String root : List.of("invoice", "payment")) {
            JsonNode record = context.path(root);
            try {
                if (record.path("subscription_id").isString()) {
                    var subscription = subscriptions.get(accountId, record.get("subscription_id").asString());
                    return Optional.of(new Bought(subscription.productId(), subscription.optionId()));
                }
                if (record.path("payment_plan_id").isString()) {
                    var plan = plans.get(accountId, record.get("payment_plan_id").asString());
                    return Optional.of(new Bought(plan.productId(), plan.optionId()));
                }
                if (record.path("order_id").isString()) {
                    return sold(json.valueToTree(orders.get(accountId, record.get("order_id").asString())));
                }
            } catch (TillException gone) {
                // Removed since (deleted test data): the run goes on without a product.
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The product and option an order sold (its option line), if any. */
    private static Optional<Bought> sold(JsonNode order) {
        for (JsonNode item : order.path("items")) {
            if (item.path("kind").asString("").equals("option") && item.path("product_id").isString()) {
                return Optional.of(new Bought(item.get("product_id").asString(), item.path("option_id").asString(
                    null)));
            }
        }
        return Optional.empty();
    }

    /**
     * Adds {@code <field>_formatted} next to each amount of an object that has a currency ({@code $100.00}), and next
     * to each moment of a record ({@code January 30, 2027}, the day in the store's time zone), so that a message
     * reads as a buyer writes.
     */
    static void addFormattedTwins(JsonNode node, Supplier<ZoneId> zone) {
        if (node instanceof ObjectNode object) {
            JsonNode currency = object.get("currency");
            if (currency != null && currency.isString()) {
                for (String field : MONEY) {
                    JsonNode amount = object.get(field);
                    // One past a long (a custom event's 99999999999999999999999) is no amount: left as it is.
                    if (amount != null && amount.isIntegralNumber() && amount.canConvertToLong()
                        && !object.has(field + "_formatted")) {
                        object.put(field + "_formatted", Amounts.format(amount.longValue(), currency.asString()));
                    }
                }
            }
            for (String field : RecordFields.MOMENTS) {
                JsonNode moment = object.get(field);
                if (moment != null && moment.isString() && !object.has(field + "_formatted")) {
                    day(moment.asString(), zone).ifPresent(day -> object.put(field + "_formatted", day));
                }
            }
            for (JsonNode child : object) {
                addFormattedTwins(child, zone);
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode child : node) {
                addFormattedTwins(child, zone);
            }
        }
    }

    /** The day of a moment as a buyer reads it, in the store's time zone. */
    static Optional<String> day(String moment, Supplier<ZoneId> zone) {
        try {
            Instant at = Instant.parse(moment);
            return Optional.of(DAY.format(at.atZone(zone.get())));
        } catch (DateTimeParseException notAMoment) {
            return Optional.empty();
        } catch (java.time.DateTimeException pastEveryCalendar) {
            // Parsed, but beyond what a date can be written for (the year 1,000,000,000): no day to say.
            return Optional.empty();
        }
    }
}
