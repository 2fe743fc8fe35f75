package io.till.checkout;

import io.till.catalog.Product;
import io.till.catalog.Products;
import io.till.shared.PageRequest;
import java.util.ArrayList;
import java.util.List;

/** A product option to choose on a form (a new internal order, an upsell): its id and how a seller names it. */
record OptionChoice(String id, String label) {

    /**
     * Every option of every product of the account, newest product first, labelled {@code Product — Option · $19.00 /
     * month · 14-day free trial}. Not only the newest hundred: an older product could not be sold from the dashboard,
     * and a checkout whose upsell sold one could not be saved again, its option no longer offered.
     */
    static List<OptionChoice> all(Products products, String accountId) {
        var choices = new ArrayList<OptionChoice>();
        for (var product : PageRequest.all(page -> products.list(accountId, page), Product::id)) {
            for (var option : product.options()) {
                String terms = option.terms();
                choices.add(new OptionChoice(option.id(), product.name() + " — " + option.name() + " · "
                    + option.price() + (terms.isEmpty() ? "" : " · " + terms)));
            }
        }
        return choices;
    }
}
