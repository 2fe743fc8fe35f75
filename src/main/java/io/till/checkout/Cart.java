package io.till.checkout;

import io.till.billing.BillingAddress;
import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.catalog.PromoCode;
import io.till.customer.Customer;
import java.util.List;
import java.util.Optional;

/**
 * What a purchase asks for, checked: every id exists in this account and fits the checkout ({@code checkout} is null
 * for an internal order); the billing address is tidied, or null when none was given.
 */
record Cart(Checkout checkout, Product product, ProductOption option, List<Checkout.Addon> addons, PromoCode promo,
    Optional<Customer> customer, String cardId, BillingAddress billingAddress, boolean trial) {

    /**
     * What the option charges when it is bought: nothing when it starts with its free trial ({@code trial}: the option
     * has one, and this customer may have it, Products#startsWithTrial), its amount otherwise.
     */
    long optionCharged() {
        return trial ? 0 : option.amount();
    }
}
