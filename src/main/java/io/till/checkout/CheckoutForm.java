package io.till.checkout;

import io.till.shared.Amounts;
import io.till.shared.FieldError;
import io.till.shared.FieldErrors;
import io.till.shared.web.FormRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.util.MultiValueMap;

/**
 * The new-checkout and edit-checkout pages' form as staff filled it: the product it sells, offer bumps (a name and a
 * price in the product's currency) and upsells (a name and the option they sell), each a row of repeated parameters
 * read straight from the request; on the edit page a row shown for an offer on sale carries its id. Rows left empty are
 * dropped (an offer on sale emptied is taken away). Turned into the API's {@link Checkouts.CheckoutInput} or
 * {@link CheckoutChange}, so the page refuses what the API refuses, with the refusals keyed by the form's fields.
 */
record CheckoutForm(String name, String productId, List<AddonRow> addons, List<UpsellRow> upsells,
    Map<String, String> errors) {

    static final int MAX_ROWS = 20;

    /** @param currency the one its price is in, shown beside it: an offer on sale keeps its own; blank for a new one */
    record AddonRow(String id, String name, String price, String currency) {
        boolean isBlank() {
            return name.isBlank() && price.isBlank();
        }
    }

    record UpsellRow(String id, String name, String optionId) {
        boolean isBlank() {
            return name.isBlank() && optionId.isBlank();
        }
    }

    static CheckoutForm empty(String productId) {
        return new CheckoutForm("", productId, List.of(), List.of(), Map.of());
    }

    /** The edit page's form for {@code checkout}: its name and the offers on sale, prices as staff type them. */
    static CheckoutForm of(Checkout checkout) {
        return new CheckoutForm(checkout.name(), checkout.productId(), checkout.addons().stream()
            .map(a -> new AddonRow(a.id(), a.name(), Amounts.typed(a.amount(), a.currency()), a.currency()))
            .toList(), checkout.upsells().stream().map(u -> new UpsellRow(u.id(), u.name(), u.optionId())).toList(),
            Map.of());
    }

    static CheckoutForm of(MultiValueMap<String, String> params) {
        var addons = new ArrayList<AddonRow>();
        for (int i = 0; i < FormRows.count(params, "addon_name", MAX_ROWS); i++) {
            var row = new AddonRow(FormRows.at(params, "addon_id", i), FormRows.at(params, "addon_name", i),
                FormRows.at(params, "addon_price", i), FormRows.at(params, "addon_currency", i));
            if (!row.isBlank()) {
                addons.add(row);
            }
        }
        var upsells = new ArrayList<UpsellRow>();
        for (int i = 0; i < FormRows.count(params, "upsell_name", MAX_ROWS); i++) {
            var row = new UpsellRow(FormRows.at(params, "upsell_id", i), FormRows.at(params, "upsell_name", i),
                FormRows.at(params, "upsell_option", i));
            if (!row.isBlank()) {
                upsells.add(row);
            }
        }
        return new CheckoutForm(FormRows.one(params, "name"), FormRows.one(params, "product_id"), List.copyOf(addons),
            List.copyOf(upsells), Map.of());
    }

    CheckoutForm withAnotherAddon() {
        if (addons.size() >= MAX_ROWS) {
            return this;
        }
        var more = new ArrayList<>(addons);
        more.add(new AddonRow("", "", "", ""));
        return new CheckoutForm(name, productId, List.copyOf(more), upsells, Map.of());
    }

    CheckoutForm withAnotherUpsell() {
        if (upsells.size() >= MAX_ROWS) {
            return this;
        }
        var more = new ArrayList<>(upsells);
        more.add(new UpsellRow("", "", ""));
        return new CheckoutForm(name, productId, addons, List.copyOf(more), Map.of());
    }

    /**
     * The API body this form asks for; a price that is not one is added to {@code errors} as its row's refusal (and
     * stays out of the body), before the API's own checks add theirs.
     */
    Checkouts.CheckoutInput input(String currency, FieldErrors errors) {
        return input(List.of(), currency, errors);
    }

    /** @param onSale the offers on sale: a row of one is priced in its currency, a new row in {@code currency} */
    private Checkouts.CheckoutInput input(List<Checkout.Addon> onSale, String currency, FieldErrors errors) {
        var addonInputs = new ArrayList<Checkouts.AddonInput>();
        for (int i = 0; i < addons.size(); i++) {
            String field = "addons[" + i + "].amount";
            String id = addons.get(i).id();
            String rowCurrency = onSale.stream().filter(a -> a.id().equals(id)).map(Checkout.Addon::currency)
                .findFirst().orElse(currency);
            Long amount = Amounts.parseTyped(errors, field, addons.get(i).price(), rowCurrency);
            // The page's own words first: the API's speak of minor units, which staff do not type here.
            if (amount == null && addons.get(i).price().isBlank() || amount != null && amount <= 0) {
                errors.add(field, "out_of_range", "must be more than 0");
            }
            addonInputs.add(new Checkouts.AddonInput(addons.get(i).name(), amount, rowCurrency));
        }
        return new Checkouts.CheckoutInput(name, productId.isBlank() ? null : productId, addonInputs,
            upsells.stream().map(u -> new Checkouts.UpsellInput(u.name(), u.optionId().isBlank()
                ? null
                : u.optionId())).toList());
    }

    /**
     * The update this edit form asks of {@code current}: every offer in its rows, in order, each on sale one by its id,
     * except an upsell whose option staff changed, which becomes a new upsell (an upsell keeps what it was offered
     * with). An offer on sale keeps its currency (one made through the API may have another than the product's first
     * option); a new one is priced in {@code currency}. A price that is not one is refused as on the new page.
     */
    CheckoutChange change(Checkout current, String currency, FieldErrors errors) {
        var input = input(current.addons(), currency, errors);
        var addonChanges = new ArrayList<CheckoutChange.AddonChange>();
        for (int i = 0; i < addons.size(); i++) {
            var typed = input.addons().get(i);
            addonChanges.add(new CheckoutChange.AddonChange(sold(addons.get(i).id(), current.addons().stream()
                .map(Checkout.Addon::id).toList()), typed.name(), typed.amount(), typed.currency()));
        }
        var upsellChanges = new ArrayList<CheckoutChange.UpsellChange>();
        for (int i = 0; i < upsells.size(); i++) {
            var row = upsells.get(i);
            boolean same = current.upsells().stream().anyMatch(u -> u.id().equals(row.id()) && u.optionId().equals(row
                .optionId()));
            upsellChanges.add(new CheckoutChange.UpsellChange(same ? row.id() : null, row.name(), row.optionId()
                .isBlank() ? null : row.optionId()));
        }
        return new CheckoutChange(name, null, addonChanges, upsellChanges);
    }

    /** The id a row carried when it names an offer on sale; otherwise (none, or a stale page's) a new offer. */
    private static String sold(String id, List<String> onSale) {
        return onSale.contains(id) ? id : null;
    }

    CheckoutForm refused(List<FieldError> refusals) {
        var byField = new HashMap<String, String>();
        for (var refusal : refusals) {
            byField.putIfAbsent(refusal.field().replace("].amount", "].price").replace("].option_id", "].option"),
                refusal.sentence());
        }
        return new CheckoutForm(name, productId, addons, upsells, Map.copyOf(byField));
    }

    /** The refusal of {@code name}, {@code product_id}, or a row's field ({@code addons[0].price}), null when none. */
    public String error(String field) {
        return errors.get(field);
    }

}
