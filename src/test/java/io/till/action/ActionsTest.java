package io.till.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ActionsTest {

    private static Action named(String name) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return new ActionSchema(name, "test", List.of(), true);
            }

            @Override
            public ActionResult perform(ActionCall call) {
                return new ActionResult.Done(call.params());
            }
        };
    }

    @Test
    void syncToCrmIsAnotherNameOfCrmSyncContact() {
        Action sync = named("crm.sync_contact");
        var actions = new Actions(List.of(sync, named("add_tag")));

        assertThat(actions.find("sync_to_crm")).containsSame(sync);
        assertThat(actions.catalog()).containsKey("sync_to_crm");
        assertThat(actions.catalog().get("sync_to_crm")).isEqualTo(sync.schema());
    }
}
