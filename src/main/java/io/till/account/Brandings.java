package io.till.account;

import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.ZoneId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The accounts' branding; an account that never set it has {@link Branding#NONE}. */
@Repository
public class Brandings {

    private final JdbcClient db;
    private final Clock clock;

    Brandings(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Branding get(String accountId) {
        return db.sql("""
            SELECT sender_name, support_email, company_name, logo_url, brand_color, icon_url, time_zone
              FROM account_branding WHERE account_id = :accountId
            """)
            .param("accountId", accountId)
            .query((rs, row) -> new Branding(rs.getString("sender_name"), rs.getString("support_email"),
                rs.getString("company_name"), rs.getString("logo_url"), rs.getString("brand_color"),
                rs.getString("icon_url"), rs.getString("time_zone")))
            .optional()
            .orElse(Branding.NONE);
    }

    /**
     * The store's time zone ({@link Branding#zone()}): the days of its emails and receipts, and of the dashboard's
     * reports and date filters.
     */
    public ZoneId zone(String accountId) {
        return get(accountId).zone();
    }

    /** Replaces the branding as a whole; the caller has checked it. */
    Branding put(String accountId, Branding branding) {
        db.sql("""
            INSERT INTO account_branding (account_id, sender_name, support_email, company_name, logo_url, brand_color,
                                          icon_url, time_zone, updated_at)
            VALUES (:accountId, :senderName, :supportEmail, :companyName, :logoUrl, :brandColor, :iconUrl, :timeZone,
                    :now)
            ON CONFLICT (account_id) DO UPDATE
               SET sender_name = EXCLUDED.sender_name, support_email = EXCLUDED.support_email,
                   company_name = EXCLUDED.company_name, logo_url = EXCLUDED.logo_url,
                   brand_color = EXCLUDED.brand_color, icon_url = EXCLUDED.icon_url, time_zone = EXCLUDED.time_zone,
                   updated_at = EXCLUDED.updated_at
            """)
            .param("accountId", accountId)
            .param("senderName", branding.senderName())
            .param("supportEmail", branding.supportEmail())
            .param("companyName", branding.companyName())
            .param("logoUrl", branding.logoUrl())
            .param("brandColor", branding.brandColor())
            .param("iconUrl", branding.iconUrl())
            .param("timeZone", branding.timeZone())
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
        return get(accountId);
    }
}
