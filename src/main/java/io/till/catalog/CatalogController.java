package io.till.catalog;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import java.net.URI;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Catalog")
class CatalogController {

    private final Products products;
    private final SubscriptionGroups groups;
    private final PromoCodes promoCodes;

    CatalogController(Products products, SubscriptionGroups groups, PromoCodes promoCodes) {
        this.products = products;
        this.groups = groups;
        this.promoCodes = promoCodes;
    }

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/products")
    @Operation(summary = "Create a product with its options", description = "Options: one_time; subscription with interval (day, week, month, year), interval_count and "
        + "optional trial_days; payment_plan with installments, interval and interval_count.")
    ResponseEntity<Product> createProduct(Caller caller, @RequestBody ProductInput body) {
        var product = products.create(caller.accountId(), body);
        return ResponseEntity.created(URI.create("/api/v1/products/" + product.id())).body(product);
    }

    @GetMapping("/products")
    @Operation(summary = "List products with their options")
    Page<Product> products(Caller caller, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor) {
        return products.list(caller.accountId(), PageRequest.of(limit, cursor, "prod"));
    }

    @GetMapping("/products/{id}")
    @Operation(summary = "Read a product")
    Product product(Caller caller, @PathVariable String id) {
        return products.get(caller.accountId(), id);
    }

    @PatchMapping("/products/{id}")
    @Operation(summary = "Rename a product or change its description", description = "Only the fields sent change; a "
        + "null description takes it away, a null name is refused (400, naming it): leave it out to keep it. Options are "
        + "added (POST …/options) and retired (POST …/options/{option_id}/retire), never changed; a product without a "
        + "subscription group may be put in one, and a group once given does not change: subscriptions keep what they "
        + "were bought with.")
    Product updateProduct(Caller caller, @PathVariable String id,
        @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = ProductUpdate.class))) @RequestBody JsonNode body) {
        // Another account's product (or none) is not found whatever the body holds, as on every operation.
        products.get(caller.accountId(), id);
        var errors = new FieldErrors();
        var change = ProductChange.of(body, errors);
        errors.throwIfAny();
        return products.update(caller.accountId(), id, change);
    }

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/products/{id}/options")
    @Operation(summary = "Add an option to a product", description = "A new way to buy it (a yearly price beside the "
        + "monthly one), checked as a product's options are; it is sold at once wherever the product is. What was "
        + "bought before changes in nothing. Answers the product.")
    ResponseEntity<Product> addOption(Caller caller, @PathVariable String id,
        @RequestBody ProductInput.OptionInput body) {
        // Another account's product (or none) is not found whatever the body holds, as on every operation.
        products.get(caller.accountId(), id);
        var errors = new FieldErrors();
        ProductInput.validateOption(body, "", errors);
        errors.throwIfAny();
        var product = products.addOption(caller.accountId(), id, body);
        return ResponseEntity.created(URI.create("/api/v1/products/" + product.id())).body(product);
    }

    @PostMapping("/products/{id}/options/{optionId}/retire")
    @Operation(summary = "Stop selling an option", description = "Checkouts no longer offer it and an order or upsell "
        + "naming it is refused (option_id: retired); orders, subscriptions and plans bought with it keep it, and it "
        + "is listed under retired_options (POST …/restore sells it again). Again: no change. 409 for the product's last option on sale, and for an "
        + "option a checkout sells as an upsell.")
    Product retireOption(Caller caller, @PathVariable String id, @PathVariable String optionId) {
        return products.retireOption(caller.accountId(), id, optionId);
    }

    @PostMapping("/products/{id}/options/{optionId}/restore")
    @Operation(summary = "Sell a retired option again", description = "As it was, under its id: checkouts offer it "
        + "again. One on sale already stays as it is.")
    Product restoreOption(Caller caller, @PathVariable String id, @PathVariable String optionId) {
        return products.restoreOption(caller.accountId(), id, optionId);
    }

    /** The body of a product update, for the API document: each field optional. */
    record ProductUpdate(@Schema(description = FieldErrors.NULL_REFUSED) String name,
        @Schema(description = "null or empty takes it away") String description,
        @Schema(description = "Puts a product that has no group in one (it must sell a subscription); its "
            + "subscriptions, in no group until then, join it. Once given, a group never changes.") String subscriptionGroupId,
        @Schema(description = "A customer gets its free trial once: one who had a subscription to it before buys it "
            + "again without the trial") Boolean oneTrialPerCustomer) {}

    record GroupInput(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/subscription_groups")
    @Operation(summary = "Create a subscription group", description = "Subscription events can be scoped to a group.")
    ResponseEntity<SubscriptionGroups.SubscriptionGroup> createGroup(Caller caller, @RequestBody GroupInput body) {
        var group = groups.create(caller.accountId(), body.name());
        return ResponseEntity.created(URI.create("/api/v1/subscription_groups/" + group.id())).body(group);
    }

    @GetMapping("/subscription_groups")
    @Operation(summary = "List subscription groups")
    Page<SubscriptionGroups.SubscriptionGroup> groups(Caller caller, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor) {
        return groups.list(caller.accountId(), PageRequest.of(limit, cursor, "sgrp"));
    }

    @GetMapping("/subscription_groups/{id}")
    @Operation(summary = "Read a subscription group")
    SubscriptionGroups.SubscriptionGroup group(Caller caller, @PathVariable String id) {
        return groups.get(caller.accountId(), id);
    }

    @PatchMapping("/subscription_groups/{id}")
    @Operation(summary = "Rename a subscription group", description = "Unique among the account's groups whatever "
        + "the case (400 taken). Its products and subscriptions stay in it; automations scoped to it name it by id.")
    SubscriptionGroups.SubscriptionGroup renameGroup(Caller caller, @PathVariable String id,
        @RequestBody GroupInput body) {
        return groups.rename(caller.accountId(), id, body.name());
    }

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/promo_codes")
    @Operation(summary = "Create a promo code", description = "percent_off or amount_off (with currency), optional "
        + "expires_at and max_redemptions. Codes are matched without regard to case.")
    ResponseEntity<PromoCode> createPromoCode(Caller caller, @RequestBody PromoCodes.PromoCodeInput body) {
        var promo = promoCodes.create(caller.accountId(), body);
        return ResponseEntity.created(URI.create("/api/v1/promo_codes/" + promo.id())).body(promo);
    }

    @GetMapping("/promo_codes/{id}")
    @Operation(summary = "Read a promo code", description = "With how often it was redeemed and when it ends.")
    PromoCode promoCode(Caller caller, @PathVariable String id) {
        return promoCodes.find(caller.accountId(), id).orElseThrow(() -> TillException.notFound("promo code", id));
    }

    /** The fields an update may send, for the API documentation; read by {@link PromoCodeChange}. */
    @Schema(name = "PromoCodeChange")
    record PromoCodeUpdate(
        @Schema(description = "When it stops working; null: it never ends. A code that had ended works again until "
            + "a later end") Instant expiresAt,
        @Schema(description = "How many purchases may use it, at least the times it was used; null: no limit", types = {
                "integer", "null"}) Integer maxRedemptions) {}

    @PatchMapping("/promo_codes/{id}")
    @Operation(summary = "Change when a promo code ends or how often it may be used", description = "Only the fields "
        + "sent change: expires_at (a future moment, or null for no end) and max_redemptions (at least the times it "
        + "was used, or null for no limit). A code that ended or was used up works again once its new end or limit "
        + "allows. Its code and discount never change (400 not_changeable): orders keep what it took off them.")
    PromoCode changePromoCode(Caller caller, @PathVariable String id,
        @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = PromoCodeUpdate.class))) @RequestBody JsonNode body) {
        return promoCodes.change(caller.accountId(), id, body);
    }

    @PostMapping("/promo_codes/{id}/expire")
    @Operation(summary = "End a promo code now", description = "Buyers can no longer use it from now on; discounts it "
        + "already gave stay. A code that has already ended keeps its end.")
    PromoCode expirePromoCode(Caller caller, @PathVariable String id) {
        return promoCodes.expire(caller.accountId(), id);
    }

    @GetMapping("/promo_codes")
    @Operation(summary = "List promo codes")
    Page<PromoCode> promoCodes(Caller caller, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor) {
        return promoCodes.list(caller.accountId(), PageRequest.of(limit, cursor, "promo"));
    }
}
