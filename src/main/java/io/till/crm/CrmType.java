package io.till.crm;

import io.till.integration.IntegrationType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The CRMs the {@code crm.*} actions reach, each through the account's integration of the same name. */
public enum CrmType {
    ACTIVECAMPAIGN("ActiveCampaign", IntegrationType.ACTIVECAMPAIGN),
    HUBSPOT("HubSpot", IntegrationType.HUBSPOT),
    KEAP("Keap", IntegrationType.KEAP);

    private final String vendor;
    private final IntegrationType integration;

    CrmType(String vendor, IntegrationType integration) {
        this.vendor = vendor;
        this.integration = integration;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The vendor's own name, for messages. */
    public String vendor() {
        return vendor;
    }

    /**
     * Whether {@code host} is the vendor's own API: only its words are repeated in a run's log or a connection test.
     * A base URL aimed elsewhere (a proxy, or an internal service where TILL_EGRESS_ALLOW lets Till reach one) has its
     * answers told by status alone, never by what it said, as every other outbound call's are.
     */
    boolean ownHost(String host) {
        String name = host == null ? "" : host.toLowerCase(Locale.ROOT);
        return switch (this) {
            case ACTIVECAMPAIGN -> name.matches("[a-z0-9-]+\\.(api-us[0-9]+\\.com|activehosted\\.com)");
            case HUBSPOT -> name.equals("api.hubapi.com");
            case KEAP -> name.equals("api.infusionsoft.com") || name.equals("api.keap.com");
        };
    }

    IntegrationType integration() {
        return integration;
    }

    static String[] codes() {
        return Arrays.stream(values()).map(CrmType::code).toArray(String[]::new);
    }

    static Optional<CrmType> parse(String code) {
        return Arrays.stream(values()).filter(type -> type.code().equals(code)).findFirst();
    }
}
