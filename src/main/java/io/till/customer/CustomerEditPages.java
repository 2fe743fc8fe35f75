package io.till.customer;

import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.FieldErrors;
import io.till.shared.TillException;
import io.till.shared.web.AsShown;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Edit a customer from their record: name, email, phone and tags, checked and saved exactly as {@code PATCH
 * /api/v1/customers/{id}} does. Seed 004 warns that a changed email must also be changed by hand in every connected
 * system (Stripe, CRMs), so a new email is shown with that warning and saved only once the staff member confirms it.
 */
@Controller
class CustomerEditPages {

    /** Seed 004's warning, in Till's words: Till does not push a changed email anywhere. */
    static final String EMAIL_WARNING = "Changing the email here does not change it anywhere else: update it by hand "
        + "in every connected system too (Stripe, CRMs like ActiveCampaign or Keap, mailing tools).";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Customers customers;
    private final PersonalDataRequests personalData;
    private final JsonMapper apiJson;

    CustomerEditPages(Customers customers, PersonalDataRequests personalData, JsonMapper apiJson) {
        this.customers = customers;
        this.personalData = personalData;
        this.apiJson = apiJson;
    }

    /** The buyer's copy of their data, as {@code GET /api/v1/customers/{id}/personal_data} answers it, as a file. */
    @GetMapping("/admin/customers/{id}/personal-data.json")
    ResponseEntity<String> downloadPersonalData(Caller.Staff staff, @PathVariable String id) {
        var copy = personalData.export(staff.accountId(), id);
        return ResponseEntity.ok()
            .contentType(MediaType.APPLICATION_JSON)
            .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                .filename("personal-data-" + id + ".json")
                .build()
                .toString())
            .body(apiJson.writerWithDefaultPrettyPrinter().writeValueAsString(copy));
    }

    /**
     * What the form holds, as typed: tags one per line (a tag may hold a comma, as in "Smith, John"), and the tags the
     * form was first shown with, so that a save that did not touch them leaves them as they are now.
     */
    record Form(String name, String email, String phone, String tags, List<String> tagsShown,
        boolean marketingConsent, boolean consentShown, String fields, Map<String, String> fieldsShown,
        Shown shown) {
        static Form of(Customer customer) {
            String phone = customer.phone() == null ? "" : customer.phone();
            return new Form(customer.name(), customer.email(), phone, tagsText(customer.tags()), customer.tags(),
                customer.marketingConsent(), customer.marketingConsent(), fieldsText(customer.metadata()),
                customer.metadata(), new Shown(customer.name(), customer.email(), phone));
        }

        List<String> typedTags() {
            return typedTags(tags);
        }

        private static List<String> typedTags(String text) {
            return text.lines().map(String::strip).filter(t -> !t.isEmpty()).toList();
        }

        private static String tagsText(List<String> tags) {
            return String.join("\n", tags);
        }

        private static String fieldsText(Map<String, String> fields) {
            return fields.entrySet().stream()
                .map(field -> field.getKey() + ": " + field.getValue())
                .collect(java.util.stream.Collectors.joining("\n"));
        }

        /**
         * Whether the tags typed are those the form was shown, read back as the form reads what it shows: a tag the
         * API took with a line break in it is shown as two lines, which read back as two tags, and is no change.
         */
        boolean tagsUntouched() {
            return tagsShown != null && typedTags().equals(typedTags(tagsText(tagsShown)));
        }

        /** As {@link #tagsUntouched}, for the custom fields ("utm:source: google" reads back otherwise, untouched). */
        boolean fieldsUntouched(Map<String, String> typedFields) {
            // The box left as shown reads back as the fields shown (typedFields), and so does the same text retyped.
            return fieldsShown != null && typedFields.equals(fieldsShown);
        }

        /**
         * Whether the box holds the text it was shown with, line for line: then it is no change, and not read at all
         * (a value the API took with a line break in it shows as two lines, the second no "name: value").
         */
        boolean fieldsTextUntouched() {
            return fieldsShown != null && lines(fields).equals(lines(fieldsText(fieldsShown)));
        }

        private static List<String> lines(String text) {
            return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        }

        /**
         * The custom fields as typed, one "name: value" per line (the value may hold colons); a line without a name
         * and a colon is a mistake of its line, numbered from 1.
         */
        Map<String, String> typedFields(Map<String, String> errors) {
            var typed = new java.util.LinkedHashMap<String, String>();
            if (fieldsTextUntouched()) {
                typed.putAll(fieldsShown);
                return typed;
            }
            var lines = fields.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                // A field the form showed keeps its name though the name holds a colon ("utm:source: google").
                String shownName = fieldsShown == null
                    ? null
                    : fieldsShown.keySet().stream()
                        .filter(name -> name.contains(":") && line.startsWith(name + ":"))
                        .max(java.util.Comparator.comparingInt(String::length)).orElse(null);
                int colon = shownName != null ? shownName.length() : line.indexOf(':');
                if (colon < 1) {
                    errors.putIfAbsent("metadata", "line " + (i + 1) + " must read “name: value”, such as “plan: "
                        + "gold”");
                } else {
                    typed.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                }
            }
            return typed;
        }
    }

    /**
     * The name, email and phone the form was first shown with: one typed as shown is no change, and is not sent, so
     * that a save of the name never puts back a phone the API or an automation changed meanwhile. Compared as a
     * browser sends a text field ({@link AsShown#line}). Null when the post does not say (a form from before).
     */
    record Shown(String name, String email, String phone) {}

    @GetMapping("/admin/customers/{id}/edit")
    String edit(Caller.Staff staff, @PathVariable String id, Model model, HttpServletRequest request) {
        Customer customer = customers.get(staff.accountId(), id);
        if (customer.redactedAt() != null) {
            model.addAttribute("customer", customer);
            return "customer/redacted";
        }
        // Erasing cannot be undone, so it is the owner's to do (the security configuration holds the POST to it).
        model.addAttribute("canErase", request.isUserInRole("OWNER"));
        return form(model, customer, Form.of(customer), Map.of(), false);
    }

    /**
     * Erases the customer's personal data, as {@code POST /api/v1/customers/{id}/redact} does; refused, the record
     * says what still bills them.
     */
    @PostMapping("/admin/customers/{id}/redact")
    String redact(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        try {
            personalData.redact(staff.accountId(), id);
            redirect.addFlashAttribute("flash", "Personal data erased. The orders, payments and runs stay, without "
                + "it. Erase the customer in connected systems too (Stripe, CRMs, mailing tools).");
            return "redirect:/admin/customers/" + id;
        } catch (TillException e) {
            if (e.code() != ErrorCode.INVALID_STATE) {
                throw e;
            }
            redirect.addFlashAttribute("flashError", e.getMessage());
            return "redirect:/admin/customers/" + id + "/edit";
        }
    }

    /**
     * @param confirmedEmail the new email the staff member saw the warning for; a save that changes the email to
     *     anything else shows the warning first
     */
    @PostMapping("/admin/customers/{id}/edit")
    String save(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String name,
        @RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String phone,
        @RequestParam(defaultValue = "") String tags,
        @RequestParam(name = "tags_shown", defaultValue = "") String tagsShown,
        @RequestParam(name = "marketing_consent", defaultValue = "false") boolean marketingConsent,
        @RequestParam(name = "consent_shown", defaultValue = "false") boolean consentShown,
        @RequestParam(defaultValue = "") String fields,
        @RequestParam(name = "fields_shown", defaultValue = "") String fieldsShown,
        @RequestParam(name = "name_shown", required = false) String nameShown,
        @RequestParam(name = "email_shown", required = false) String emailShown,
        @RequestParam(name = "phone_shown", required = false) String phoneShown,
        @RequestParam(name = "confirmed_email", defaultValue = "") String confirmedEmail, Model model,
        RedirectAttributes redirect, HttpServletRequest request) {
        Customer before = customers.get(staff.accountId(), id);
        // Drawn again with an error or the email's warning, the page keeps the owner's way to erase the customer.
        model.addAttribute("canErase", request.isUserInRole("OWNER"));
        var typed = new Form(name, email, phone, tags, shown(tagsShown), marketingConsent, consentShown, fields,
            shownFields(fieldsShown), new Shown(nameShown, emailShown, phoneShown));
        // Every refused field is shown at once, and only a new email that can be saved is offered for confirmation.
        var errors = new LinkedHashMap<String, String>();
        var typedFields = typed.typedFields(errors);
        var body = body(typed, typedFields);
        refusals(body, typed.typedTags()).forEach(errors::putIfAbsent);
        boolean emailChanges = body.has("email") && !email.strip().equals(before.email());
        if (emailChanges && !errors.containsKey("email")) {
            customers.findByEmail(staff.accountId(), email.strip()).filter(owner -> !owner.id().equals(id))
                .ifPresent(owner -> {
                    errors.put("email", "belongs to " + owner.id());
                    model.addAttribute("emailOwner", owner);
                });
        }
        if (!errors.isEmpty()) {
            return form(model, before, typed, errors, false);
        }
        if (emailChanges && !email.strip().equals(confirmedEmail)) {
            return form(model, before, typed, Map.of(), true);
        }
        Customer after;
        try {
            after = customers.update(staff.accountId(), id, body);
        } catch (TillException e) {
            if (e.errors().isEmpty()) {
                throw e;
            }
            model.addAttribute("emailOwner", e.code() == ErrorCode.EMAIL_TAKEN
                ? customers.findByEmail(staff.accountId(), email.strip()).orElse(null)
                : null);
            return form(model, before, typed, byField(e, typed.typedTags()), false);
        }
        redirect.addFlashAttribute("flash", emailChanges
            ? "Customer saved. The email is now " + after.email() + ". " + EMAIL_WARNING
            : "Customer saved.");
        return "redirect:/admin/customers/" + id;
    }

    private static String form(Model model, Customer customer, Form form, Map<String, String> errors,
        boolean confirmEmail) {
        model.addAttribute("customer", customer);
        model.addAttribute("form", form);
        // The tags and fields the form was first shown with, as JSON in hidden fields, for the next post of the form.
        model.addAttribute("tagsShown", JSON.writeValueAsString(form.tagsShown()));
        model.addAttribute("fieldsShown", JSON.writeValueAsString(form.fieldsShown()));
        model.addAttribute("errors", errors);
        model.addAttribute("confirmEmail", confirmEmail);
        model.addAttribute("emailWarning", EMAIL_WARNING);
        return "customer/edit";
    }

    /** The tags the form was first shown with; null when the field is missing or not a list of strings. */
    private static List<String> shown(String json) {
        try {
            var node = JSON.readTree(json);
            if (!node.isArray()) {
                return null;
            }
            var tags = new ArrayList<String>();
            for (var tag : node) {
                if (!tag.isString()) {
                    return null;
                }
                tags.add(tag.asString());
            }
            return tags;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The custom fields the form was first shown with; null when the field is missing or not an object of strings. */
    private static Map<String, String> shownFields(String json) {
        try {
            var node = JSON.readTree(json);
            if (!node.isObject()) {
                return null;
            }
            var fields = new LinkedHashMap<String, String>();
            for (var field : node.properties()) {
                if (!field.getValue().isString()) {
                    return null;
                }
                fields.put(field.getKey(), field.getValue().asString());
            }
            return fields;
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * The API's JSON body for the form: an empty phone clears it; tags, one per line, marketing consent and the
     * custom fields are sent only when they differ from those the form was shown with, so that a save of the phone
     * never rewrites what an automation or the API changed meanwhile.
     */
    private static ObjectNode body(Form form, Map<String, String> typedFields) {
        var body = JSON.createObjectNode();
        Shown shown = form.shown() == null ? new Shown(null, null, null) : form.shown();
        if (!AsShown.line(form.name(), shown.name())) {
            body.put("name", form.name());
        }
        if (!AsShown.line(form.email(), shown.email())) {
            body.put("email", form.email().strip());
        }
        if (AsShown.line(form.phone(), shown.phone())) {
            // As shown: left as it is now.
        } else if (form.phone().isBlank()) {
            body.putNull("phone");
        } else {
            body.put("phone", form.phone());
        }
        if (!form.tagsUntouched()) {
            form.typedTags().forEach(body.putArray("tags")::add);
        }
        if (form.marketingConsent() != form.consentShown()) {
            body.put("marketing_consent", form.marketingConsent());
        }
        if (!form.fieldsUntouched(typedFields)) {
            var metadata = body.putObject("metadata");
            typedFields.forEach(metadata::put);
        }
        return body;
    }

    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("tags\\[([0-9]{1,4})]");

    /** A tag as a message names it: a long one cut to its start. */
    private static String abbreviated(String tag) {
        return tag.length() <= 30 ? tag : tag.substring(0, 30) + "…";
    }

    /** What the API would refuse in this body, by field of the form, checked by the rules the API checks it with. */
    private static Map<String, String> refusals(ObjectNode body, List<String> tags) {
        var errors = new FieldErrors();
        CustomerFields.forUpdate(body, errors);
        try {
            errors.throwIfAny();
            return Map.of();
        } catch (TillException e) {
            return byField(e, tags);
        }
    }

    /** The first message for each field of the form ({@code tags[3]} is the tags field). */
    private static Map<String, String> byField(TillException e, List<String> tags) {
        var errors = new LinkedHashMap<String, String>();
        for (FieldError error : e.errors()) {
            // tags[3] is the tags field, metadata.plan the custom fields (the field named in the message).
            String field = error.field().replaceAll("[\\[.].*$", "");
            var tag = TAG.matcher(error.field());
            errors.putIfAbsent(field, error.field().startsWith("metadata.")
                ? "“" + error.field().substring("metadata.".length()) + "”: " + error.message()
                : tag.matches() && Integer.parseInt(tag.group(1)) < tags.size()
                    ? "“" + abbreviated(tags.get(Integer.parseInt(tag.group(1)))) + "”: " + error.message()
                    : error.message());
        }
        return errors;
    }
}
