package io.till.automation;

import io.till.account.Brandings;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.Ids;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.web.FormErrors;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dashboard's automations list (trigger in words, status, runs of the last 7 days, pause/resume, archive) and the
 * templates gallery. Every change goes through {@link Automations}, the service the API uses; every read is bound to
 * the signed-in staff member's account.
 */
@Controller
class AutomationPages {

    static final String LIST = "/admin/automations";
    /** The days the list's recent figures count: today where the store is, and the 6 before. */
    static final int RECENT_DAYS = 7;
    /** More automations than any account keeps; the list says so if it is ever reached. */
    private static final int MOST_SHOWN = 500;
    private static final Set<String> STATUSES = Set.of("active", "paused", "draft");
    private static final String ARCHIVED = "archived";
    private static final Set<String> TRIGGERS = Set.of("event", "schedule", "manual");
    /** The tabs of an automation's page a change pressed in its header may come back to; else its Steps tab. */
    private static final Set<String> TABS = Set.of("builder", "json", "versions", "test");

    /** As PRODUCT.md §4 lists them, the most asked-for first; a template added later comes after these. */
    private static final List<String> GALLERY_ORDER = List.of("payment_dunning", "welcome_series",
        "renewal_reminder", "usage_alert", "win_back", "card_expiring_followup", "checkout_flow_fulfillment");

    private final Automations automations;
    private final AutomationPictures pictures;
    private final RunSummaries runs;
    private final StepSecrets secrets;
    private final Clock clock;
    private final Brandings brandings;

    AutomationPages(Automations automations, AutomationPictures pictures, RunSummaries runs, StepSecrets secrets,
        Clock clock, Brandings brandings) {
        this.automations = automations;
        this.secrets = secrets;
        this.pictures = pictures;
        this.runs = runs;
        this.clock = clock;
        this.brandings = brandings;
    }

    /**
     * An automation's state as the dashboard shows it: archived wins (it starts nothing more, whatever version was
     * active), then paused, then whether a version is active.
     */
    record State(String label, String tone) {

        static State of(Automation automation) {
            if (automation.archivedAt() != null) {
                return new State("archived", "off");
            }
            if (automation.paused()) {
                return new State("paused", "warn");
            }
            return automation.activeVersion() != null ? new State("active", "ok") : new State("draft", "off");
        }
    }

    record Row(Automation automation, State state, String trigger, String triggerType,
        RunSummaries.Summary recent) {}

    @GetMapping(LIST)
    String list(Caller.Staff staff, @RequestParam(defaultValue = "") String status,
        @RequestParam(defaultValue = "") String trigger, Model model) {
        String accountId = staff.accountId();
        // Archived automations leave the list; they are listed on their own, to read their history.
        boolean archived = status.equals(ARCHIVED);
        var all = new ArrayList<Automation>();
        String cursor = null;
        boolean more;
        do {
            var page = automations.list(accountId, PageRequest.of(PageRequest.MAX_LIMIT, cursor, "aut"), archived);
            all.addAll(page.data());
            cursor = page.nextCursor();
            more = page.hasMore() && all.size() < MOST_SHOWN;
        } while (more);
        // What runs is the active version: its trigger is the one to read, even while a newer draft waits.
        var running = all.stream().map(a -> a.activeVersion() == null || a.activeVersion() == a.version()
            ? a.definition()
            : automations.versionToTest(accountId, a.id(), a.activeVersion()).definition()).toList();
        var parsed = running.stream().map(d -> pictures.read(d).orElse(null)).toList();
        Map<String, String> names = pictures.names(accountId, parsed.stream().filter(d -> d != null)
            .map(Definition::trigger).toList());
        // Whole days where the store is, as the executions list the count links to filters them.
        ZoneId zone = brandings.zone(accountId);
        LocalDate recentFrom = LocalDate.now(clock.withZone(zone)).minusDays(RECENT_DAYS - 1);
        var summaries = runs.since(accountId, all.stream().map(Automation::id).toList(), recentFrom.atStartOfDay(
            zone).toInstant());
        model.addAttribute("recentFrom", recentFrom.toString());
        var rows = new ArrayList<Row>();
        for (int i = 0; i < all.size(); i++) {
            Automation automation = all.get(i);
            Definition definition = parsed.get(i);
            var row = new Row(automation, State.of(automation), definition == null
                ? "Cannot be read: open it to see why"
                : AutomationPictures.sentence(definition, names),
                running.get(i).path("trigger")
                    .path("type").asString(""),
                summaries.getOrDefault(automation.id(), RunSummaries.Summary.NONE));
            boolean statusShown = archived || !STATUSES.contains(status) || row.state().label().equals(status);
            boolean triggerShown = !TRIGGERS.contains(trigger) || row.triggerType().equals(trigger);
            if (statusShown && triggerShown) {
                rows.add(row);
            }
        }
        model.addAttribute("rows", rows);
        model.addAttribute("noneYet", all.isEmpty() && !archived
            && automations.list(accountId, PageRequest.of(1, null, "aut"), true).data().isEmpty());
        model.addAttribute("status", STATUSES.contains(status) || archived ? status : "");
        model.addAttribute("trigger", TRIGGERS.contains(trigger) ? trigger : "");
        model.addAttribute("capped", all.size() >= MOST_SHOWN);
        return "automation/automations";
    }

    @PostMapping(LIST + "/{id}/pause")
    String pause(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String back,
        @RequestParam(required = false) String customer, @RequestParam(defaultValue = "") String status,
        @RequestParam(defaultValue = "") String trigger, RedirectAttributes redirect) {
        return paused(staff, id, true, back, customer, listWith(status, trigger), redirect);
    }

    @PostMapping(LIST + "/{id}/resume")
    String resume(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String back,
        @RequestParam(required = false) String customer, @RequestParam(defaultValue = "") String status,
        @RequestParam(defaultValue = "") String trigger, RedirectAttributes redirect) {
        return paused(staff, id, false, back, customer, listWith(status, trigger), redirect);
    }

    /** The list's filter a change pressed in a row comes back to: pausing several in turn is not filtering again. */
    private static String listWith(String status, String trigger) {
        var list = org.springframework.web.util.UriComponentsBuilder.fromPath(LIST);
        if (STATUSES.contains(status) || status.equals(ARCHIVED)) {
            list.queryParam("status", status);
        }
        if (TRIGGERS.contains(trigger)) {
            list.queryParam("trigger", trigger);
        }
        return list.build().toUriString();
    }

    private String paused(Caller.Staff staff, String id, boolean pause, String back, String customer,
        String filteredList, RedirectAttributes redirect) {
        refusedOrDone(redirect, () -> {
            var automation = automations.setPaused(staff.accountId(), id, pause);
            redirect.addFlashAttribute("flash", "\u201c" + automation.name() + "\u201d " + (pause
                ? "is paused: it starts no new run until you resume it. Runs already under way go on."
                : "is running again."));
        });
        return "redirect:" + ("list".equals(back) || back.isEmpty() ? filteredList : tab(id, back, customer));
    }

    /**
     * The tab a change pressed in an automation's header comes back to ({@code back}, as the header sends it): its
     * Steps tab unless another is named, and the Test tab with the customer it was testing on.
     */
    static String tab(String id, String back, String customer) {
        String page = LIST + "/" + id;
        if (!TABS.contains(back)) {
            return page;
        }
        return page + "/" + back + ("test".equals(back) && Ids.isId(customer, "cus")
            ? "?customer=" + customer
            : "");
    }

    /**
     * Renames the automation and sets its description from its page's header: its latest definition with these two
     * changed, saved as the API's PUT saves it (a new draft version, checked by the same rule). A refused field comes
     * back beside it, with what was typed.
     */
    @PostMapping(LIST + "/{id}/about")
    String about(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String name,
        @RequestParam(defaultValue = "") String description, @RequestParam(defaultValue = "") String back,
        @RequestParam(required = false) String customer, RedirectAttributes redirect) {
        var latest = secrets.masked(staff.accountId(), automations.get(staff.accountId(), id));
        var definition = ((ObjectNode) latest.definition()).deepCopy();
        definition.put("name", name.strip());
        if (description.isBlank()) {
            definition.remove("description");
        } else {
            definition.put("description", description.strip());
        }
        try {
            redirect.addFlashAttribute("flash", savedFlash(automations.save(staff.accountId(), id, definition)));
        } catch (TillException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw e;
            }
            redirect.addFlashAttribute("aboutErrors", aboutErrors(FormErrors.of(e)));
            redirect.addFlashAttribute("aboutName", name);
            redirect.addFlashAttribute("aboutDescription", description);
        }
        return "redirect:" + tab(id, back, customer);
    }

    /**
     * The header form's errors: its two fields' beside them, and any other path of the definition (a step that names a
     * webhook endpoint deleted since) said above them, where to fix it: the form shows no field for it, and a save
     * refused for it said only "correct the fields marked below", with none marked.
     */
    private static Map<String, String> aboutErrors(Map<String, String> errors) {
        var shown = new java.util.LinkedHashMap<String, String>();
        var elsewhere = new ArrayList<String>();
        errors.forEach((field, message) -> {
            if (field.equals("name") || field.equals("description")) {
                shown.put(field, message);
            } else if (field.isEmpty()) {
                elsewhere.add(message);
            } else {
                elsewhere.add(field + ": " + message);
            }
        });
        if (!elsewhere.isEmpty()) {
            shown.put("", "The latest version has a problem elsewhere, to fix in its Builder or JSON tab first: "
                + String.join("; ", elsewhere) + ".");
        }
        return shown;
    }

    @PostMapping(LIST + "/{id}/archive")
    String archive(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        var automation = automations.archive(staff.accountId(), id);
        redirect.addFlashAttribute("flash", "\u201c" + automation.name() + "\u201d is archived: it starts no new "
            + "run, and its past runs stay readable.");
        return "redirect:" + LIST;
    }

    @GetMapping(LIST + "/templates")
    String templates(Model model) {
        model.addAttribute("templates", AutomationTemplates.all().stream()
            .sorted(Comparator.comparingInt(t -> GALLERY_ORDER.indexOf(t.key()) & Integer.MAX_VALUE))
            .map(t -> new Gallery(t, pictures.flow(t.definition())))
            .toList());
        return "automation/templates";
    }

    record Gallery(AutomationTemplates.Template template, List<StepFlow.Chip> flow) {}

    @PostMapping(LIST + "/templates/{key}")
    String useTemplate(Caller.Staff staff, @PathVariable String key, RedirectAttributes redirect) {
        var template = AutomationTemplates.named(key, "template");
        var created = automations.create(staff.accountId(), template.definition());
        redirect.addFlashAttribute("flash", "Draft created from the " + template.name() + " template. Nothing runs "
            + "until you activate it.");
        return "redirect:" + LIST + "/" + created.id();
    }

    /**
     * What "Start from scratch" makes: a draft started by hand, with one email to the customer as a first step to
     * change (a definition has at least one step), so that the builder opens on something that already reads.
     */
    static final String BLANK = """
        {"name": "New automation", "trigger": {"type": "manual"},
         "steps": [{"id": "email", "type": "action", "action": "send_email",
                    "params": {"to": "{{customer.email}}", "subject": "Hello {{customer.first_name}}",
                               "text": "Write your message here."}}]}""";

    @PostMapping(LIST + "/new")
    String startFromScratch(Caller.Staff staff, RedirectAttributes redirect) {
        var created = automations.create(staff.accountId(), tools.jackson.databind.json.JsonMapper.shared().readTree(
            BLANK));
        redirect.addFlashAttribute("flash", "Draft created. Choose what starts it, then add its steps; nothing runs "
            + "until you activate it.");
        return "redirect:" + LIST + "/" + created.id() + "/builder";
    }

    /** What every page of one automation shows in its head: the automation (masked), its state, the open tab. */
    static void head(Model model, Automation masked, String tab) {
        model.addAttribute("automation", masked);
        model.addAttribute("state", State.of(masked));
        model.addAttribute("tab", tab);
        var description = masked.definition() == null ? null : masked.definition().get("description");
        model.addAttribute("description", description != null && description.isString() && !description.asString()
            .isBlank() ? description.asString() : null);
    }

    /** The flash after Save: the new draft and what keeps running, or that nothing changed. */
    static String savedFlash(Automations.Saved saved) {
        var automation = saved.automation();
        if (!saved.changed()) {
            return "Nothing changed: version " + automation.version() + " is already this"
                + (Integer.valueOf(automation.version()).equals(automation.activeVersion())
                    ? ", and it is the one running."
                    : ".");
        }
        return "Saved as version " + automation.version() + ", a draft. " + (automation.activeVersion() == null
            ? "Activate it to start running."
            : "Version " + automation.activeVersion() + " keeps running until you activate this one.");
    }

    /**
     * Runs a state change; a refusal (already paused, archived) comes back as the service's message on the page, and
     * a missing automation as the friendly not-found page.
     */
    static void refusedOrDone(RedirectAttributes redirect, Runnable change) {
        try {
            change.run();
        } catch (TillException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw e;
            }
            redirect.addFlashAttribute("refused", e.getMessage());
        }
    }
}
