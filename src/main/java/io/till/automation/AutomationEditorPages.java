package io.till.automation;

import io.till.shared.Caller;
import io.till.shared.FieldError;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;

/**
 * One automation in the dashboard: its steps drawn as a flow, its status with activate / pause / resume, its JSON
 * (checked as it is typed by the checks that guard a save, saved through {@link Automations#update} as the API's PUT
 * does), and its versions with a side-by-side diff, restore and activate. Secret params are shown masked, as the API
 * shows them, and a masked value saved back keeps the secret ({@link StepSecrets#sealed}).
 */
@Controller
class AutomationEditorPages {

    private static final String PAGE = AutomationPages.LIST + "/{id}";
    /** Unchanged lines kept around each change of a diff; the rest folds away. */
    private static final int DIFF_CONTEXT = 3;
    private static final int VERSIONS_SHOWN = 50;

    private final Automations automations;
    private final AutomationPictures pictures;
    private final StepSecrets secrets;
    private final DefinitionText texts;
    private final ManualRunForm runForm;

    AutomationEditorPages(Automations automations, AutomationPictures pictures, StepSecrets secrets,
        DefinitionText texts, ManualRunForm runForm) {
        this.runForm = runForm;
        this.automations = automations;
        this.pictures = pictures;
        this.secrets = secrets;
        this.texts = texts;
    }

    /** The steps, and for an automation started by hand the "Run now" panel with its customer picker. */
    @GetMapping(PAGE)
    String steps(Caller.Staff staff, @PathVariable String id, @RequestParam(required = false) String customer,
        @RequestParam(name = "q", defaultValue = "") String query, Model model) {
        var automation = shown(staff, id, model, "steps");
        model.addAttribute("flow", pictures.flow(staff.accountId(), automation.definition()));
        runForm.offer(staff.accountId(), automation, customer, query, null, model);
        return "automation/automation";
    }

    @GetMapping(PAGE + "/json")
    String definition(Caller.Staff staff, @PathVariable String id, Model model) {
        var automation = shown(staff, id, model, "json");
        model.addAttribute("text", texts.pretty(automation.definition()));
        model.addAttribute("problems", List.of());
        return "automation/automation";
    }

    /** The editor's as-you-type check: the problems the save would refuse, each with its JSON path. */
    @PostMapping(PAGE + "/json/check")
    String check(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String definition,
        Model model) {
        automations.get(staff.accountId(), id);
        model.addAttribute("problems", texts.problems(staff.accountId(), definition));
        model.addAttribute("checked", true);
        return "automation/automation :: problems";
    }

    @PostMapping(PAGE + "/json")
    String save(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String definition,
        Model model, HttpServletResponse response, RedirectAttributes redirect) {
        List<FieldError> problems;
        try {
            var saved = automations.save(staff.accountId(), id, texts.read(definition));
            redirect.addFlashAttribute("flash", AutomationPages.savedFlash(saved));
            return "redirect:" + AutomationPages.LIST + "/" + id;
        } catch (TillException e) {
            if (e.code() == io.till.shared.ErrorCode.NOT_FOUND) {
                throw e;
            }
            problems = e.errors().isEmpty()
                ? List.of(new FieldError("body", e.code().name().toLowerCase(), e
                    .getMessage()))
                : e.errors();
        }
        // Nothing typed is lost: the page comes back with the text as it was sent and every problem beside it.
        shown(staff, id, model, "json");
        model.addAttribute("text", definition);
        model.addAttribute("problems", problems);
        model.addAttribute("checked", true);
        response.setStatus(422);
        return "automation/automation";
    }

    @PostMapping(PAGE + "/activate")
    String activate(Caller.Staff staff, @PathVariable String id, @RequestParam(required = false) Integer version,
        @RequestParam(defaultValue = "") String back, @RequestParam(required = false) String customer,
        RedirectAttributes redirect) {
        AutomationPages.refusedOrDone(redirect, () -> {
            var activated = automations.activate(staff.accountId(), id, version);
            redirect.addFlashAttribute("flash", "Version " + activated.activeVersion() + " is active: new runs use "
                + "it. Runs already under way keep the version they started with.");
        });
        return "redirect:" + AutomationPages.tab(id, back, customer);
    }

    @GetMapping(PAGE + "/versions")
    String versions(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "from", required = false) String fromText,
        @RequestParam(name = "to", required = false) String toText, Model model) {
        // Version numbers from a link, perhaps edited: one that is not a number compares as if not given.
        Integer from = versionNumber(fromText);
        Integer to = versionNumber(toText);
        shown(staff, id, model, "versions");
        // The newest versions only: each holds a whole definition, and an automation saved a thousand times would
        // otherwise load them all; older ones stay reachable through the API's paged list.
        var page = automations.versions(staff.accountId(), id, new PageRequest(VERSIONS_SHOWN, null));
        var versions = page.data().stream().map(v -> secrets.masked(staff.accountId(), v)).toList();
        model.addAttribute("versions", versions);
        model.addAttribute("olderVersions", page.hasMore());
        if (versions.size() > 1) {
            var asked = versions.stream().filter(v -> to != null && v.version() == to).findFirst()
                .orElse(versions.getFirst());
            // The oldest shown has no older one to compare with: it goes on the left, the one after it on the right,
            // so that the changes read forwards, as every other comparison does.
            boolean oldest = versions.stream().noneMatch(v -> v.version() < asked.version());
            var right = oldest && from == null
                ? versions.stream().filter(v -> v.version() > asked.version()).reduce((a, b) -> b).orElseThrow()
                : asked;
            var left = oldest && from == null
                ? asked
                : versions.stream().filter(v -> from != null && v.version() == from).findFirst()
                    .orElse(versions.stream().filter(v -> v.version() < right.version()).findFirst()
                        .orElse(versions.get(1)));
            var rows = LineDiff.sideBySide(texts.pretty(left.definition()), texts.pretty(right.definition()));
            var leftFlow = pictures.flow(staff.accountId(), left.definition());
            var rightFlow = pictures.flow(staff.accountId(), right.definition());
            var shownChanges = VersionChanges.of(left.definition(), right.definition(), leftFlow, rightFlow);
            // Compared as stored too: two Slack hooks of one workspace mask alike, and a credential replaced would
            // read as no change at all. A secret kept keeps its sealed value from version to version.
            var changes = VersionChanges.of(stored(page.data(), left.version()), stored(page.data(), right.version()),
                leftFlow, rightFlow).stream()
                .map(change -> shownChanges.contains(change) ? change : change + ": its credential, shown masked")
                .toList();
            model.addAttribute("from", left.version());
            model.addAttribute("to", right.version());
            model.addAttribute("diff", LineDiff.folded(rows, DIFF_CONTEXT));
            model.addAttribute("differs", LineDiff.changed(rows) || !changes.isEmpty());
            model.addAttribute("changes", changes);
        }
        return "automation/versions";
    }

    private static JsonNode stored(List<Automation.Version> versions, int version) {
        return versions.stream().filter(v -> v.version() == version).findFirst().orElseThrow().definition();
    }

    private static Integer versionNumber(String text) {
        return text != null && text.matches("[0-9]{1,9}") ? Integer.valueOf(text) : null;
    }

    @PostMapping(PAGE + "/versions/{version}/restore")
    String restore(Caller.Staff staff, @PathVariable String id, @PathVariable int version,
        RedirectAttributes redirect) {
        AutomationPages.refusedOrDone(redirect, () -> {
            var restored = automations.restore(staff.accountId(), id, version);
            redirect.addFlashAttribute("flash", restored.changed()
                ? "Version " + version + " restored as version " + restored.automation().version()
                    + ", a draft. Nothing changes for running automations until you activate it."
                : "Version " + restored.automation().version() + ", the newest, is the same as version " + version
                    + " already: nothing to restore.");
        });
        return "redirect:" + AutomationPages.LIST + "/" + id + "/versions";
    }

    /** The automation (masked) and its state for the page's header and tabs; a foreign id is the not-found page. */
    private Automation shown(Caller.Staff staff, String id, Model model, String tab) {
        return shown(automations, secrets, staff, id, model, tab);
    }

    /** What {@code automation/parts :: header} needs, for every tab of an automation's page. */
    static Automation shown(Automations automations, StepSecrets secrets, Caller.Staff staff, String id, Model model,
        String tab) {
        var automation = secrets.masked(staff.accountId(), automations.get(staff.accountId(), id));
        AutomationPages.head(model, automation, tab);
        return automation;
    }
}
