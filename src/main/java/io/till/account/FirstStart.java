package io.till.account;

import io.till.shared.Ids;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes a fresh install usable: before Till serves its first request it creates the account, the owner's login and an
 * API key, and once it listens it prints where to go and the secrets, which are never shown again.
 */
@Component
@EnableConfigurationProperties(FirstStartSettings.class)
class FirstStart implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(FirstStart.class);

    private final FirstStartSettings settings;
    private final Accounts accounts;
    private final StaffUsers staffUsers;
    private final ApiKeys apiKeys;
    private final PasswordEncoder passwordEncoder;
    private final JdbcClient db;
    private final TransactionTemplate transaction;
    private final Environment environment;

    /** What this start created, to be printed once Till listens; empty when the account already existed. */
    private Optional<Credentials> created = Optional.empty();
    private Account account;

    record Credentials(String email, String generatedPassword, String apiKey, boolean apiKeyChosen) {}

    FirstStart(FirstStartSettings settings, Accounts accounts, StaffUsers staffUsers, ApiKeys apiKeys,
        PasswordEncoder passwordEncoder, JdbcClient db, TransactionTemplate transaction, Environment environment) {
        this.settings = settings;
        this.accounts = accounts;
        this.staffUsers = staffUsers;
        this.apiKeys = apiKeys;
        this.passwordEncoder = passwordEncoder;
        this.db = db;
        this.transaction = transaction;
        this.environment = environment;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Mode mode = settings.modeGiven() ? parseMode() : Mode.SANDBOX;
        transaction.executeWithoutResult(status -> {
            // Several nodes may start together on one fresh database: one of them creates the account.
            db.sql("SELECT pg_advisory_xact_lock(hashtext('till.first-start'))").query().singleValue();
            accounts.first().ifPresentOrElse(existing -> account = existing, () -> create(mode));
        });
        if (created.isEmpty() && settings.apiKeyGiven()) {
            log.info("TILL_BOOTSTRAP_API_KEY is ignored: it only makes the first key of a new account, and account {}"
                + " already exists", account.id());
        }
        if (settings.modeGiven() && account.mode() != mode) {
            throw new IllegalStateException("TILL_MODE is " + mode.code() + " but the account " + account.id()
                + " was created in " + account.mode().code()
                + " mode. The mode is chosen when the account is created;"
                + " unset TILL_MODE, or start with an empty database to create a " + mode.code() + " account.");
        }
    }

    private Mode parseMode() {
        try {
            return Mode.parse(settings.mode());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("TILL_MODE " + e.getMessage(), e);
        }
    }

    private void create(Mode mode) {
        String email = settings.adminEmail().strip();
        if (!email.matches("[^@\\s]+@[^@\\s]+")) {
            throw new IllegalStateException("TILL_ADMIN_EMAIL '" + email + "' is not an email address");
        }
        if (settings.adminPasswordGiven()) {
            StaffPasswords.problem(settings.adminPassword()).ifPresent(problem -> {
                throw new IllegalStateException("TILL_ADMIN_PASSWORD: " + problem);
            });
        }
        account = accounts.create(settings.accountName().strip(), mode);
        String password = settings.adminPasswordGiven() ? settings.adminPassword() : Ids.randomToken(20);
        staffUsers.createOwner(account.id(), email, passwordEncoder.encode(password));
        ApiKey.Created key;
        if (settings.apiKeyGiven()) {
            try {
                key = apiKeys.insertChosen(account, settings.apiKey().strip(), "Bootstrap key");
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("TILL_BOOTSTRAP_API_KEY " + e.getMessage(), e);
            }
        } else {
            key = apiKeys.create(account, "First key", null);
        }
        created = Optional.of(new Credentials(email, settings.adminPasswordGiven() ? null : password, key.key(),
            settings.apiKeyGiven()));
    }

    @EventListener(ApplicationReadyEvent.class)
    void printWhereToGo() {
        String baseUrl = settings.publicUrl() != null && !settings.publicUrl().isBlank()
            ? settings.publicUrl().replaceAll("/+$", "")
            : "http://localhost:" + environment.getProperty("local.server.port", "8080");
        var banner = new StringBuilder("\n\n  Till is running (" + account.mode().code() + " mode, account "
            + account.id() + ")\n");
        banner.append("  Dashboard:  ").append(baseUrl).append("/admin\n");
        banner.append("  API:        ").append(baseUrl).append("/api/v1  (docs: ").append(baseUrl)
            .append("/swagger-ui.html)\n");
        created.ifPresentOrElse(credentials -> {
            banner.append("  Login:      ").append(credentials.email()).append('\n');
            banner.append("  Password:   ")
                .append(credentials.generatedPassword() == null
                    ? "(the one in TILL_ADMIN_PASSWORD)"
                    : credentials.generatedPassword())
                .append('\n');
            banner.append("  API key:    ")
                .append(credentials.apiKeyChosen() ? "(the one in TILL_BOOTSTRAP_API_KEY)" : credentials.apiKey())
                .append('\n');
            banner.append("  The password and key are shown only this once: keep them somewhere safe.\n");
        }, () -> banner.append("  Sign in with the login created on first start; API keys are in the dashboard.\n"));
        log.info("{}", banner);
        created = Optional.empty();
    }
}
