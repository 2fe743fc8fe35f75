package io.till.checkout;

import io.till.catalog.Products;
import io.till.shared.PageRequest;
import java.util.ArrayList;
import java.util.List;

/** A product option to choose on a form (a new internal order, an upsell): its id and how a seller names it. */
record OptionChoice(String id, String label) {

    /**
     * Every option of the account's newest {@value PageRequest#MAX_LIMIT} products, labelled {@code Product — Option ·
     * $19.00 / month}.
     */
    static List<OptionChoice> all(Products products, String accountId) {
        var choices = new ArrayList<OptionChoice>();
        for (var product : products.list(accountId, new PageRequest(PageRequest.MAX_LIMIT, null)).data()) {
            for (var option : product.options()) {
                choices.add(new OptionChoice(option.id(), product.name() + " — " + option.name() + " · "
                    + option.price()));
            }
        }
        return choices;
    }
}
