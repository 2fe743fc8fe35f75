package io.till.automation;

import io.till.event.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The objects a run started by an event has in its context: what the event carries, and for an event about a
 * subscription, payment plan, invoice, payment or order that carries no product, the product and option that subject
 * is for, read with the context ({@link ExecutionContexts}) so that a dunning email can say what was not paid
 * ({@code {{product.name}}}). One list for the variable picker, the save checks and the Test tab's sample data.
 */
final class ContextRoots {

    /** What a billing subject's product is read as: the shapes purchase events carry them in. */
    static final List<String> PRODUCT = List.of("product", "option");

    private static final Set<String> SUBJECTS = Set.of("subscription", "payment_plan", "invoice", "payment", "order");

    private ContextRoots() {}

    static List<String> of(EventType type) {
        var roots = new ArrayList<>(type.carries());
        if (!roots.contains("product") && roots.stream().anyMatch(SUBJECTS::contains)) {
            roots.addAll(PRODUCT);
        }
        return roots;
    }
}
