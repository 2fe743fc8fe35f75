package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class VersionChangesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode definition(String elseWait) {
        return JSON.readTree("""
            {"name": "Check", "trigger": {"type": "manual"},
             "steps": [{"id": "check", "type": "branch",
                        "if": {"field": "event.data.plan", "op": "eq", "value": "vip"},
                        "then": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "vip"}}],
                        "else": [{"id": "later", "type": "delay", "duration": "%s"}]}]}""".formatted(elseWait));
    }

    @Test
    void aStepChangedInABranchsOtherwiseLaneIsNamedNotItsBranch() {
        var changes = VersionChanges.of(definition("P1D"), definition("P2D"), List.of(), List.of());

        assertThat(changes).containsExactly("Changed step “later”");
    }

    @Test
    void aStepAddedAndOneRemovedAreEachNamed() {
        var before = definition("P1D");
        var after = JSON.readTree(before.toString().replace("\"later\"", "\"soon\""));

        assertThat(VersionChanges.of(before, after, List.of(), List.of())).containsExactly("Added step “soon”",
            "Removed step “later”");
    }

    /** A reviewer's: lanes swapped beside a rename said only "Renamed", the swap (which reverses what runs) unsaid. */
    @Test
    void stepsMovedAreSaidBesideOtherChanges() {
        var before = definition("P1D");
        var after = JSON.readTree(before.toString().replace("\"name\":\"Check\"", "\"name\":\"Checked\"")
            .replace("\"then\"", "\"was_then\"").replace("\"else\"", "\"then\"").replace("\"was_then\"",
                "\"else\""));

        assertThat(VersionChanges.of(before, after, List.of(), List.of())).containsExactly(
            "Renamed: “Check” → “Checked”", "Steps moved or reordered");
    }

    /** A branch renamed is said as such, its steps not as moved: they stand in the same lanes as before. */
    @Test
    void aBranchRenamedMovesNoneOfItsSteps() {
        var before = definition("P1D");
        var after = JSON.readTree(before.toString().replace("\"id\":\"check\"", "\"id\":\"check_plan\""));

        assertThat(VersionChanges.of(before, after, List.of(), List.of())).containsExactly(
            "Added step “check_plan”", "Removed step “check”");
    }
}
