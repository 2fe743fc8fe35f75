package io.till.checkout;

import java.time.Instant;
import java.util.List;

/**
 * A page that sells one product, with addon offer bumps and a flow of one-click upsells after the purchase; an archived
 * one ({@code active} false) refuses purchases until it is reactivated. Its offers are those on sale now: one taken
 * away is retired, and still known to the orders that bought or were offered it.
 */
public record Checkout(
    String id,
    String name,
    String productId,
    boolean active,
    List<Addon> addons,
    List<Upsell> upsells,
    Instant createdAt) {

    /** An offer bump the buyer may tick at purchase, for a fixed amount. */
    public record Addon(String id, String name, long amount, String currency) {}

    /** A one-click offer after the purchase, selling a product option with the card just used. */
    public record Upsell(String id, String name, String optionId) {}
}
