package io.till.checkout;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Till converts no money: an order is charged and booked in one currency, so an addon or an upsell sells only in a
 * currency its order can be in. The one rule, and its one wording, for checkouts, purchases and upsells accepted.
 */
final class OneCurrency {

    private OneCurrency() {}

    /**
     * Why {@code currency} does not fit, e.g. "is priced in jpy, the option in usd"; empty when it is one of
     * {@code accepted}, the currencies of {@code what}.
     */
    static Optional<String> refusal(String currency, String what, Collection<String> accepted) {
        String priced = currency.toLowerCase(Locale.ROOT);
        if (accepted.contains(priced)) {
            return Optional.empty();
        }
        return Optional.of("is priced in " + priced + ", the " + what + " in " + String.join(" or ",
            new TreeSet<>(accepted)));
    }
}
