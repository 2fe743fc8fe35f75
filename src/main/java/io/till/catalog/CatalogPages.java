package io.till.catalog;

import io.till.idempotency.FormSubmissions;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.FieldErrors;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.web.AsShown;
import jakarta.servlet.http.HttpServletResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
 * The catalog in the dashboard: every product with its prices, a new product with its options (what
 * {@code POST /api/v1/products} takes, refused by the same rules), a product's page with the ids an automation scope or
 * an integration needs, its name and description edited, and subscription groups. A product's options do not change
 * once it is made: a subscription keeps the price it was bought at, and a new price is a new option on a new product.
 */
@Controller
class CatalogPages {

    static final String CATALOG = "/admin/catalog";
    private static final String PRODUCTS = CATALOG + "/products";
    private static final int ROWS = 50;

    /** A choice of a select: the value sent, the words shown. */
    record Choice(String value, String label) {}

    private static final List<Choice> KINDS = List.of(new Choice("subscription", "Subscription"),
        new Choice("payment_plan", "Payment plan"), new Choice("one_time", "One-time price"));
    private static final List<Choice> INTERVALS = List.of(new Choice("day", "days"), new Choice("week", "weeks"),
        new Choice("month", "months"), new Choice("year", "years"));

    private final Products products;
    private final SubscriptionGroups groups;
    private final FormSubmissions submissions;

    CatalogPages(Products products, SubscriptionGroups groups, FormSubmissions submissions) {
        this.products = products;
        this.groups = groups;
        this.submissions = submissions;
    }

    /** One product as the list shows it: its options' prices, one per line. */
    record Row(Product product, List<String> prices, String group) {}

    @GetMapping(CATALOG)
    String list(Caller.Staff staff, @RequestParam(required = false) String cursor, Model model) {
        String accountId = staff.accountId();
        var page = products.list(accountId, PageRequest.of(ROWS, cursor, "prod"));
        var groupNames = new HashMap<String, String>();
        model.addAttribute("rows", page.data().stream()
            .map(p -> new Row(p, p.options().stream().map(CatalogPages::priceWithTerms).toList(),
                p.subscriptionGroupId() == null
                    ? null
                    : groupNames.computeIfAbsent(p.subscriptionGroupId(),
                        id -> groups.get(accountId, id).name())))
            .toList());
        model.addAttribute("next", page.hasMore() ? page.nextCursor() : null);
        model.addAttribute("groups", allGroups(accountId));
        model.addAttribute("groupForm", new GroupForm("", null));
        model.addAttribute("groupFormKey", FormSubmissions.newKey());
        return "catalog/products";
    }

    @GetMapping(PRODUCTS + "/new")
    String newProduct(Caller.Staff staff, Model model) {
        return form(staff, ProductForm.empty(defaultCurrency(staff.accountId())), model);
    }

    @PostMapping(PRODUCTS)
    String create(Caller.Staff staff, @RequestParam MultiValueMap<String, String> params, Model model,
        HttpServletResponse response, RedirectAttributes redirect) {
        var form = ProductForm.of(params);
        if (params.containsKey("add_option")) {
            return form(staff, form.withAnotherOption(), model);
        }
        String remove = params.getFirst("remove_option");
        if (remove != null) {
            return form(staff, ProductForm.of(params, remove.matches("[0-9]{1,2}") ? Integer.parseInt(remove) : -1),
                model);
        }
        String id;
        try {
            var input = form.input();
            id = submissions.once(staff.accountId(), params.getFirst(FormSubmissions.FIELD),
                PRODUCTS + "?" + params, () -> products.create(staff.accountId(), input).id());
        } catch (TillException refused) {
            var refusals = refused.refusals();
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return form(staff, form.refused(refusals), model);
        }
        redirect.addFlashAttribute("flash", "Product created. Sell it at a checkout, or scope automations to it.");
        return "redirect:" + PRODUCTS + "/" + id;
    }

    @GetMapping(PRODUCTS + "/{id}")
    String product(Caller.Staff staff, @PathVariable String id, Model model) {
        var product = products.get(staff.accountId(), id);
        model.addAttribute("product", product);
        model.addAttribute("group", product.subscriptionGroupId() == null
            ? null
            : groups.get(staff.accountId(), product.subscriptionGroupId()));
        return "catalog/product";
    }

    /**
     * The edit form as typed, and what it was first shown with ({@code nameShown}, {@code descriptionShown},
     * {@code oneTrialShown}: null when unknown): a field left as shown is not sent, so that a save of the name never
     * puts back a description or a trial rule the API changed meanwhile.
     */
    record EditForm(String name, String description, String groupId, boolean oneTrial, Map<String, String> errors,
        String nameShown, String descriptionShown, Boolean oneTrialShown) {

        public String error(String field) {
            return errors.get(field);
        }
    }

    @GetMapping(PRODUCTS + "/{id}/edit")
    String edit(Caller.Staff staff, @PathVariable String id, Model model) {
        var product = products.get(staff.accountId(), id);
        model.addAttribute("product", product);
        String description = product.description() == null ? "" : product.description();
        model.addAttribute("form", new EditForm(product.name(), description, "", product.oneTrialPerCustomer(),
            Map.of(), product.name(), description, product.oneTrialPerCustomer()));
        editGroups(staff, product, model);
        return "catalog/product_edit";
    }

    /**
     * The groups a product without one may join (it sells a subscription), or the name of the one it is in: a group
     * once given never changes.
     */
    private void editGroups(Caller.Staff staff, Product product, Model model) {
        var all = allGroups(staff.accountId());
        model.addAttribute("groupName", all.stream().filter(g -> g.id().equals(product.subscriptionGroupId()))
            .map(SubscriptionGroups.SubscriptionGroup::name).findFirst().orElse(null));
        model.addAttribute("joinableGroups", product.subscriptionGroupId() == null && product.sellsSubscriptions()
            ? all
            : List.of());
    }

    @PostMapping(PRODUCTS + "/{id}/edit")
    String save(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String name,
        @RequestParam(defaultValue = "") String description,
        @RequestParam(name = "subscription_group_id", defaultValue = "") String groupId,
        @RequestParam(name = "one_trial_per_customer", defaultValue = "false") boolean oneTrial,
        @RequestParam(name = "name_shown", required = false) String nameShown,
        @RequestParam(name = "description_shown", required = false) String descriptionShown,
        @RequestParam(name = "one_trial_shown", required = false) Boolean oneTrialShown, Model model,
        HttpServletResponse response, RedirectAttributes redirect) {
        var product = products.get(staff.accountId(), id);
        var errors = new FieldErrors();
        // Only what was changed on the page: a field left as shown keeps what the API or another tab made of it since.
        var checked = ProductChange.checked(AsShown.line(name, nameShown) ? null : name,
            AsShown.text(description, descriptionShown) ? null : description, errors);
        Boolean trialRule = oneTrialShown == null || oneTrialShown == oneTrial ? null : oneTrial;
        var change = new ProductChange(checked.name(), checked.description(), groupId.isBlank() ? null : groupId,
            trialRule);
        try {
            errors.throwIfAny();
            products.update(staff.accountId(), id, change);
        } catch (TillException refused) {
            if (refused.errors().isEmpty()) {
                throw refused;
            }
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("product", product);
            model.addAttribute("form", new EditForm(name, description, groupId, oneTrial, refused.errors().stream()
                .collect(Collectors.toMap(FieldError::field, FieldError::sentence, (first, second) -> first)),
                nameShown, descriptionShown, oneTrialShown));
            editGroups(staff, product, model);
            return "catalog/product_edit";
        }
        redirect.addFlashAttribute("flash", "Product saved. Pages and emails use the new name from now on; "
            + "an order's lines keep the names they were bought under.");
        return "redirect:" + PRODUCTS + "/" + id;
    }

    @GetMapping(PRODUCTS + "/{id}/options/new")
    String newOption(Caller.Staff staff, @PathVariable String id, Model model) {
        var product = products.get(staff.accountId(), id);
        return optionForm(product, ProductForm.empty(currencyOf(staff.accountId(), product)), model);
    }

    /**
     * Adds the option typed on the add-an-option page, checked as the new-product page checks one (in the product's
     * currency); a double click adds it once.
     */
    @PostMapping(PRODUCTS + "/{id}/options")
    String addOption(Caller.Staff staff, @PathVariable String id, @RequestParam MultiValueMap<String, String> params,
        Model model, HttpServletResponse response, RedirectAttributes redirect) {
        var product = products.get(staff.accountId(), id);
        var typed = ProductForm.of(params);
        // One row, priced in the product's currency; the product's name stands for the form's, which it has none of.
        var form = new ProductForm(product.name(), "", "", false, currencyOf(staff.accountId(), product), List.of(typed
            .options().getFirst()), Map.of());
        try {
            var option = form.input().options().getFirst();
            String name = submissions.once(staff.accountId(), params.getFirst(FormSubmissions.FIELD), PRODUCTS + "/"
                + id + "/options?" + params, () -> {
                    products.addOption(staff.accountId(), id, option);
                    return option.name();
                });
            redirect.addFlashAttribute("flash", "\u201c" + name + "\u201d added. Every checkout that sells "
                + product.name() + " offers it now.");
            return "redirect:" + PRODUCTS + "/" + id;
        } catch (TillException refused) {
            if (refused.code() == ErrorCode.NOT_FOUND) {
                throw refused;
            }
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return optionForm(product, form.refused(refused.refusals()), model);
        }
    }

    /** Stops selling an option; what cannot be retired (the last on sale, one an upsell sells) is said on the page. */
    @PostMapping(PRODUCTS + "/{id}/options/{optionId}/retire")
    String retireOption(Caller.Staff staff, @PathVariable String id, @PathVariable String optionId,
        RedirectAttributes redirect) {
        try {
            var product = products.retireOption(staff.accountId(), id, optionId);
            String name = product.retiredOptions().stream().filter(o -> o.id().equals(optionId)).findFirst()
                .map(ProductOption::name).orElse(optionId);
            redirect.addFlashAttribute("flash", "\u201c" + name + "\u201d is no longer sold. Whoever bought it keeps "
                + "it, and its renewals go on.");
        } catch (TillException refused) {
            if (refused.code() != ErrorCode.INVALID_STATE) {
                throw refused;
            }
            redirect.addFlashAttribute("flashError", refused.getMessage() + ".");
        }
        return "redirect:" + PRODUCTS + "/" + id;
    }

    @PostMapping(PRODUCTS + "/{id}/options/{optionId}/restore")
    String restoreOption(Caller.Staff staff, @PathVariable String id, @PathVariable String optionId,
        RedirectAttributes redirect) {
        var product = products.restoreOption(staff.accountId(), id, optionId);
        String name = product.options().stream().filter(o -> o.id().equals(optionId)).findFirst()
            .map(ProductOption::name).orElse(optionId);
        redirect.addFlashAttribute("flash", "\u201c" + name + "\u201d is sold again: every checkout that sells "
            + product.name() + " offers it.");
        return "redirect:" + PRODUCTS + "/" + id;
    }

    private String optionForm(Product product, ProductForm form, Model model) {
        model.addAttribute("product", product);
        model.addAttribute("form", form);
        model.addAttribute("formKey", FormSubmissions.newKey());
        model.addAttribute("kinds", KINDS);
        model.addAttribute("intervals", INTERVALS);
        return "catalog/option_new";
    }

    /** The currency a product is priced in: its first option's, or the account's usual one. */
    private String currencyOf(String accountId, Product product) {
        return product.options().stream().findFirst().map(ProductOption::currency).orElseGet(() -> defaultCurrency(
            accountId));
    }

    /** The add-a-group form on the catalog page, with its refusal. */
    record GroupForm(String name, String error) {}

    @PostMapping(CATALOG + "/groups")
    String createGroup(Caller.Staff staff, @RequestParam(defaultValue = "") String name,
        @RequestParam(name = FormSubmissions.FIELD, required = false) String formKey, Model model,
        HttpServletResponse response, RedirectAttributes redirect) {
        try {
            // A double click adds one group: the second submit answers with the first one's message.
            redirect.addFlashAttribute("flash", submissions.once(staff.accountId(), formKey, CATALOG + "/groups?"
                + name,
                () -> "Subscription group \u201c" + groups.create(staff.accountId(), name).name()
                    + "\u201d added. Choose it for a product when you create one."));
            return "redirect:" + CATALOG;
        } catch (TillException refused) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            list(staff, null, model);
            boolean taken = refused.errors().stream().anyMatch(error -> error.code().equals("taken"));
            model.addAttribute("groupForm", new GroupForm(name, taken
                ? "You have a group named “" + name.strip() + "” already: choose it for the product, or "
                    + "give this one another name."
                : refused.code() == ErrorCode.VALIDATION_FAILED
                    ? "A group needs a name of at most 200 characters."
                    : refused.getMessage()));
            return "catalog/products";
        }
    }

    /** Renames a group from the catalog page; a refusal comes back there, saying why, with nothing changed. */
    @PostMapping(CATALOG + "/groups/{id}")
    String renameGroup(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String name,
        RedirectAttributes redirect) {
        String before = groups.get(staff.accountId(), id).name();
        try {
            var group = groups.rename(staff.accountId(), id, name);
            redirect.addFlashAttribute("flash", "Subscription group \u201c" + before + "\u201d is now \u201c"
                + group.name() + "\u201d. Its products, subscriptions and automations keep it.");
        } catch (TillException refused) {
            boolean taken = refused.errors().stream().anyMatch(error -> error.code().equals("taken"));
            redirect.addFlashAttribute("flashError", taken
                ? "Not renamed: you have a group named \u201c" + name.strip() + "\u201d already."
                : "Not renamed: a group needs a name of at most 200 characters.");
        }
        return "redirect:" + CATALOG;
    }

    private String form(Caller.Staff staff, ProductForm form, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("groups", allGroups(staff.accountId()));
        model.addAttribute("formKey", FormSubmissions.newKey());
        model.addAttribute("kinds", KINDS);
        model.addAttribute("intervals", INTERVALS);
        return "catalog/product_new";
    }

    /** Every group of the account: the 101st is renamed and chosen as the first is. */
    private List<SubscriptionGroups.SubscriptionGroup> allGroups(String accountId) {
        return PageRequest.all(page -> groups.list(accountId, page), SubscriptionGroups.SubscriptionGroup::id);
    }

    /** {@code $19.00 / month · 14-day free trial}: a price as a list shows it. */
    private static String priceWithTerms(ProductOption option) {
        return option.terms().isEmpty() ? option.price() : option.price() + " · " + option.terms();
    }

    /** A new product is priced like the last one made, or in US dollars on a fresh account. */
    private String defaultCurrency(String accountId) {
        return products.list(accountId, new PageRequest(1, null)).data().stream()
            .flatMap(p -> p.options().stream())
            .map(ProductOption::currency)
            .findFirst()
            .orElse("usd");
    }
}
