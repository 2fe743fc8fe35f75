package io.till.automation;

import io.till.action.ActionSchema;
import io.till.action.Actions;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The save-time check of what only the account can tell about a step's literal params (a webhook endpoint it does not
 * have), asked of each action ({@link io.till.action.Action#checkSaved}). The parser is pure, so this is its shell, as
 * the check of a trigger's scope ids is.
 */
@Component
class AccountParams {

    private final Actions actions;

    AccountParams(Actions actions) {
        this.actions = actions;
    }

    /** Throws a validation failure naming each param this account could never act on, at its path. */
    void refuseWhatTheAccountLacks(String accountId, Definition definition) {
        var errors = new ArrayList<FieldError>();
        check(accountId, definition.steps(), "steps", errors);
        if (!errors.isEmpty()) {
            throw TillException.invalid(errors);
        }
    }

    private void check(String accountId, List<Definition.Step> steps, String path, List<FieldError> errors) {
        for (int i = 0; i < steps.size(); i++) {
            String at = path + "[" + i + "]";
            switch (steps.get(i)) {
                case Definition.Step.Action action -> {
                    if (action.params() != null && action.params().isObject()) {
                        actions.find(action.action()).ifPresent(found -> found.checkSaved(accountId,
                            new ActionSchema.Values(action.params(), at + ".params", true, errors)));
                    }
                    check(accountId, action.fallback(), at + ".fallback", errors);
                }
                case Definition.Step.Branch branch -> {
                    check(accountId, branch.then(), at + ".then", errors);
                    check(accountId, branch.otherwise(), at + ".else", errors);
                }
                case Definition.Step.Loop loop -> check(accountId, loop.steps(), at + ".steps", errors);
                case Definition.Step.Delay delay -> {
                }
                case Definition.Step.Stop stop -> {
                }
                case Definition.Step.WaitForEvent wait -> {
                }
            }
        }
    }
}
