package io.till.checkout;

import io.till.account.Accounts;
import io.till.account.Mode;
import io.till.billing.Orders;
import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.customer.Customers;
import io.till.idempotency.FormSubmissions;
import io.till.payment.CardDeclinedException;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Checkouts in the dashboard's catalog: the list (all, or those selling one product), a checkout's page with its
 * product, offer bumps and upsell flow and how a site sends a purchase to it, and a new checkout, refused by the rules
 * {@code POST /api/v1/checkouts} uses.
 */
@Controller
class CheckoutPages {

    private static final String LIST = "/admin/catalog/checkouts";
    private static final int ROWS = 50;

    private final Checkouts checkouts;
    private final Products products;
    private final FormSubmissions submissions;
    private final Accounts accounts;
    private final Purchases purchases;
    private final Orders orders;
    private final Customers customers;

    CheckoutPages(Checkouts checkouts, Products products, FormSubmissions submissions, Accounts accounts,
        Purchases purchases, Orders orders, Customers customers) {
        this.checkouts = checkouts;
        this.products = products;
        this.submissions = submissions;
        this.accounts = accounts;
        this.purchases = purchases;
        this.orders = orders;
        this.customers = customers;
    }

    /** One checkout as the list shows it. */
    record Row(Checkout checkout, String product) {}

    /** An upsell with the option it sells, as its page shows it. */
    record UpsellView(Checkout.Upsell upsell, String product, String option, String price) {}

    @GetMapping(LIST)
    String list(Caller.Staff staff, @RequestParam(required = false) String product,
        @RequestParam(required = false) String cursor, Model model) {
        String accountId = staff.accountId();
        Product only = product == null || product.isBlank() ? null : products.get(accountId, product);
        var page = checkouts.list(accountId, only == null ? null : only.id(), null, PageRequest.of(ROWS,
            cursor, "chk"));
        var names = products.names(accountId);
        model.addAttribute("rows", page.data().stream().map(c -> new Row(c, names.of(c.productId()))).toList());
        model.addAttribute("only", only);
        model.addAttribute("next", page.hasMore() ? page.nextCursor() : null);
        return "checkout/checkouts";
    }

    @GetMapping(LIST + "/new")
    String newCheckout(Caller.Staff staff, @RequestParam(required = false) String product, Model model) {
        return form(staff, CheckoutForm.empty(product == null ? "" : product), model);
    }

    @PostMapping(LIST)
    String create(Caller.Staff staff, @RequestParam MultiValueMap<String, String> params, Model model,
        HttpServletResponse response, RedirectAttributes redirect) {
        var form = CheckoutForm.of(params);
        if (params.containsKey("add_addon")) {
            return form(staff, form.withAnotherAddon(), model);
        }
        if (params.containsKey("add_upsell")) {
            return form(staff, form.withAnotherUpsell(), model);
        }
        String id;
        try {
            String currency = currency(staff.accountId(), form.productId());
            var errors = new FieldErrors();
            var input = form.input(currency, errors);
            checkouts.check(staff.accountId(), input, errors);
            errors.throwIfAny();
            id = submissions.once(staff.accountId(), params.getFirst(FormSubmissions.FIELD), LIST + "?" + params,
                () -> checkouts.create(staff.accountId(), input).id());
        } catch (TillException refused) {
            var refusals = refused.refusals();
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return form(staff, form.refused(refusals), model);
        }
        redirect.addFlashAttribute("flash", "Checkout created. Send purchases to it from your site, as shown below.");
        return "redirect:" + LIST + "/" + id;
    }

    @GetMapping(LIST + "/{id}")
    String checkout(Caller.Staff staff, @PathVariable String id, Model model) {
        return checkout(staff, id, null, model);
    }

    @GetMapping(LIST + "/{id}/edit")
    String edit(Caller.Staff staff, @PathVariable String id, Model model) {
        var checkout = checkouts.get(staff.accountId(), id);
        return editForm(staff, checkout, CheckoutForm.of(checkout), model);
    }

    /**
     * Saves the edit page: the name and the offers as {@code PATCH /api/v1/checkouts/{id}} changes them, refused by
     * the same rules; the form's one-time key makes a double click save once (and add a new offer once).
     */
    @PostMapping(LIST + "/{id}")
    String update(Caller.Staff staff, @PathVariable String id, @RequestParam MultiValueMap<String, String> params,
        Model model, HttpServletResponse response, RedirectAttributes redirect) {
        String accountId = staff.accountId();
        var current = checkouts.get(accountId, id);
        var form = CheckoutForm.of(params);
        if (params.containsKey("add_addon")) {
            return editForm(staff, current, form.withAnotherAddon(), model);
        }
        if (params.containsKey("add_upsell")) {
            return editForm(staff, current, form.withAnotherUpsell(), model);
        }
        try {
            var errors = new FieldErrors();
            var change = form.change(current, currency(accountId, current.productId()), errors);
            errors.throwIfAny();
            submissions.once(accountId, params.getFirst(FormSubmissions.FIELD), LIST + "/" + id + "?" + params,
                () -> checkouts.update(accountId, id, change).id());
        } catch (TillException refused) {
            if (refused.errors().isEmpty()) {
                throw refused;
            }
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return editForm(staff, current, form.refused(refused.refusals()), model);
        }
        redirect.addFlashAttribute("flash", "Checkout saved. Orders placed before keep what they bought.");
        return "redirect:" + LIST + "/" + id;
    }

    /** Archives the checkout (it sells no more) or, with {@code active=true}, has it sell again. */
    @PostMapping(LIST + "/{id}/active")
    String active(Caller.Staff staff, @PathVariable String id, @RequestParam boolean active,
        RedirectAttributes redirect) {
        var checkout = checkouts.update(staff.accountId(), id, new CheckoutChange(null, active, null, null));
        redirect.addFlashAttribute("flash", active
            ? "“" + checkout.name() + "” sells again: purchases sent to it are taken."
            : "“" + checkout.name() + "” is archived: purchases sent to it are refused, and nothing is charged. "
                + "Orders already paid finish their upsells.");
        return "redirect:" + LIST + "/" + id;
    }

    /**
     * "Try a test purchase" (sandbox accounts only): buys at the checkout as a buyer would, with a test card, through
     * the purchase {@code POST /api/v1/checkouts/{id}/purchases} makes; the form's one-time key stands for the
     * Idempotency-Key, so a double click buys once. Then the buyer's record, where the subscription it started and the
     * events it raised show.
     */
    @PostMapping(LIST + "/{id}/test-purchases")
    String testPurchase(Caller.Staff staff, @PathVariable String id,
        @RequestParam MultiValueMap<String, String> params, Model model, HttpServletResponse response,
        RedirectAttributes redirect) {
        String accountId = staff.accountId();
        if (accounts.get(accountId).mode() != Mode.SANDBOX) {
            throw new TillException(ErrorCode.LIVE_MODE, "Test purchases are made in sandbox mode only: a live "
                + "checkout's purchases come from your site, with real cards.");
        }
        checkouts.get(accountId, id);
        var form = TestPurchaseForm.of(params);
        String orderId;
        try {
            orderId = submissions.once(accountId, params.getFirst(FormSubmissions.FIELD), LIST + "/" + id
                + "/test-purchases?" + form.asked(), () -> purchases.purchase(accountId, id, form.request()).id());
        } catch (CardDeclinedException declined) {
            response.setStatus(HttpStatus.PAYMENT_REQUIRED.value());
            // A declined purchase keeps its customer and failed order (as the API's does): the form links them.
            customers.findByEmail(accountId, form.email().strip())
                .ifPresent(buyer -> model.addAttribute("declinedBuyer", buyer));
            return checkout(staff, id, form.refused(declined, true), model);
        } catch (TillException refused) {
            if (refused.errors().isEmpty()) {
                throw refused;
            }
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return checkout(staff, id, form.refused(refused, false), model);
        }
        var order = orders.get(accountId, orderId);
        String charged = order.total() == 0
            ? "nothing charged now"
            : Amounts.format(order.total(), order.currency()) + " charged to the test card";
        redirect.addFlashAttribute("flash", "Test purchase: order #" + order.number() + " for " + customers.get(
            accountId, order.customerId()).name() + ", " + charged + ". What it started is below.");
        return "redirect:/admin/customers/" + order.customerId();
    }

    private String checkout(Caller.Staff staff, String id, TestPurchaseForm tried, Model model) {
        String accountId = staff.accountId();
        var checkout = checkouts.get(accountId, id);
        var upsells = new ArrayList<UpsellView>();
        for (var upsell : checkout.upsells()) {
            var option = products.option(accountId, upsell.optionId());
            upsells.add(new UpsellView(upsell,
                option.flatMap(o -> products.find(accountId, o.productId())).map(Product::name).orElse(null),
                option.map(ProductOption::name).orElse("Removed option"),
                option.map(ProductOption::price).orElse("")));
        }
        Product product = products.find(accountId, checkout.productId()).orElse(null);
        model.addAttribute("checkout", checkout);
        model.addAttribute("product", product);
        model.addAttribute("addons", checkout.addons().stream()
            .map(a -> Map.entry(a, Amounts.format(a.amount(), a.currency())))
            .toList());
        model.addAttribute("upsells", upsells);
        if (accounts.get(accountId).mode() == Mode.SANDBOX) {
            model.addAttribute("test", tried == null ? TestPurchaseForm.empty(product) : tried);
            model.addAttribute("testOptions", TestPurchaseForm.options(product));
            // How to see a renewal fail depends on it: the failing card can only start a subscription with a trial.
            model.addAttribute("sellsATrial", product != null && product.options().stream()
                .anyMatch(ProductOption::startsWithTrial));
            model.addAttribute("testCards", TestPurchaseForm.cards());
            model.addAttribute("formKey", FormSubmissions.newKey());
        }
        return "checkout/checkout";
    }

    /** The currency a checkout of the product sells in: its offer bumps are priced in it. */
    private String currency(String accountId, String productId) {
        return products.find(accountId, productId)
            .flatMap(p -> p.options().stream().findFirst())
            .map(ProductOption::currency)
            .orElse("usd");
    }

    private String editForm(Caller.Staff staff, Checkout checkout, CheckoutForm form, Model model) {
        model.addAttribute("checkout", checkout);
        model.addAttribute("product", products.find(staff.accountId(), checkout.productId()).orElse(null));
        model.addAttribute("form", form);
        model.addAttribute("options", OptionChoice.all(products, staff.accountId()));
        model.addAttribute("formKey", FormSubmissions.newKey());
        return "checkout/checkout_edit";
    }

    private String form(Caller.Staff staff, CheckoutForm form, Model model) {
        var all = new ArrayList<>(products.list(staff.accountId(), new PageRequest(PageRequest.MAX_LIMIT, null))
            .data());
        // The product a seller came from ("Sell it at a new checkout") is offered even when it is not among the newest.
        if (!form.productId().isBlank() && all.stream().noneMatch(p -> p.id().equals(form.productId()))) {
            products.find(staff.accountId(), form.productId()).ifPresent(all::add);
        }
        model.addAttribute("form", form);
        model.addAttribute("products", all);
        model.addAttribute("options", OptionChoice.all(products, staff.accountId()));
        model.addAttribute("formKey", FormSubmissions.newKey());
        return "checkout/checkout_new";
    }
}
