package io.till.account;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether an account moves real money ({@code live}) or only plays with the sandbox gateway and test clock. */
public enum Mode {
    SANDBOX,
    LIVE;

    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code sandbox} or {@code live}, any case; anything else is a configuration mistake. */
    public static Mode parse(String value) {
        for (Mode mode : values()) {
            if (mode.code().equalsIgnoreCase(value.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a mode; use sandbox or live");
    }
}
