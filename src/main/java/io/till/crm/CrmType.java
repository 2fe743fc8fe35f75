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
