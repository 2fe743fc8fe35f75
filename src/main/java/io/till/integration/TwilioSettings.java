package io.till.integration;

/** An account's Twilio (or Twilio-compatible) messaging account, with the token in clear: never log or answer it. */
public record TwilioSettings(String accountSid, String authToken, String fromNumber, String baseUrl) {

    public static final String DEFAULT_BASE_URL = "https://api.twilio.com";

    @Override
    public String toString() {
        return "TwilioSettings[" + accountSid + ", from=" + fromNumber + ", " + baseUrl + "]";
    }
}
