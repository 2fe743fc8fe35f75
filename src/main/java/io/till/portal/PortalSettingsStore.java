package io.till.portal;

import io.till.shared.Timestamps;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The accounts' portal settings; an account that never saved them has {@link PortalSettings#DEFAULTS}. */
@Repository
public class PortalSettingsStore {

    private final JdbcClient db;
    private final Clock clock;

    PortalSettingsStore(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public PortalSettings get(String accountId) {
        return db.sql("""
            SELECT self_cancel, cancel_reasons, allowed_embed_origins, card_link_validity_seconds,
                   receipt_initial_order, receipt_subscription_renewals, receipt_plan_installments, footer
              FROM portal_settings
             WHERE account_id = :accountId
            """)
            .param("accountId", accountId)
            .query((rs, row) -> new PortalSettings(rs.getBoolean("self_cancel"), texts(rs.getArray("cancel_reasons")),
                texts(rs.getArray("allowed_embed_origins")),
                Duration.ofSeconds(rs.getLong("card_link_validity_seconds")),
                new PortalSettings.ReceiptEmails(rs.getBoolean("receipt_initial_order"),
                    rs.getBoolean("receipt_subscription_renewals"), rs.getBoolean("receipt_plan_installments")),
                rs.getString("footer")))
            .optional()
            .orElse(PortalSettings.DEFAULTS);
    }

    /**
     * Replaces the settings as a whole with what {@code body} asks for, the API's and the dashboard's one way in; a
     * validation failure names every bad field.
     */
    public PortalSettings save(String accountId, PortalSettingsBody body) {
        return put(accountId, body.toSettings());
    }

    /** Replaces the settings as a whole; the caller has checked them. */
    PortalSettings put(String accountId, PortalSettings settings) {
        db.sql("""
            INSERT INTO portal_settings (account_id, self_cancel, cancel_reasons, allowed_embed_origins,
                                         card_link_validity_seconds, receipt_initial_order,
                                         receipt_subscription_renewals, receipt_plan_installments, footer, updated_at)
            VALUES (:accountId, :selfCancel, :cancelReasons, :origins, :validity, :initialOrder, :renewals,
                    :installments, :footer, :now)
            ON CONFLICT (account_id) DO UPDATE
               SET self_cancel = EXCLUDED.self_cancel, cancel_reasons = EXCLUDED.cancel_reasons,
                   allowed_embed_origins = EXCLUDED.allowed_embed_origins,
                   card_link_validity_seconds = EXCLUDED.card_link_validity_seconds,
                   receipt_initial_order = EXCLUDED.receipt_initial_order,
                   receipt_subscription_renewals = EXCLUDED.receipt_subscription_renewals,
                   receipt_plan_installments = EXCLUDED.receipt_plan_installments,
                   footer = EXCLUDED.footer, updated_at = EXCLUDED.updated_at
            """)
            .param("accountId", accountId)
            .param("selfCancel", settings.selfCancel())
            .param("cancelReasons", settings.cancelReasons().toArray(String[]::new))
            .param("origins", settings.allowedEmbedOrigins().toArray(String[]::new))
            .param("validity", settings.cardLinkValidity().toSeconds())
            .param("initialOrder", settings.receiptEmails().initialOrder())
            .param("renewals", settings.receiptEmails().subscriptionRenewals())
            .param("installments", settings.receiptEmails().planInstallments())
            .param("footer", settings.footer())
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
        return get(accountId);
    }

    private static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
