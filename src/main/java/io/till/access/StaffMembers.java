package io.till.access;

import io.till.account.Accounts;
import io.till.account.Brandings;
import io.till.account.StaffPasswords;
import io.till.account.StaffUsers;
import io.till.message.Emails;
import io.till.shared.Caller;
import io.till.shared.EmailAddresses;
import io.till.shared.ErrorCode;
import io.till.shared.RealTime;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import io.till.shared.web.PublicAddress;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An account's staff and what an owner does with it: invite by email, change a role, remove someone. The one rule that
 * spans rows, an account always keeps an owner, is checked with the account's staff rows locked, so two owners
 * demoting each other at once cannot leave none.
 */
@Component
class StaffMembers {

    static final Set<String> ROLES = Set.of("owner", "staff");

    private static final Logger log = LoggerFactory.getLogger(StaffMembers.class);

    private final StaffUsers staffUsers;
    private final StaffInvites invites;
    private final Emails emails;
    private final Accounts accounts;
    private final Brandings brandings;
    private final PublicAddress publicAddress;
    private final PasswordEncoder passwords;
    private final TransactionTemplate transactions;
    private final Clock clock;

    StaffMembers(StaffUsers staffUsers, StaffInvites invites, Emails emails, Accounts accounts, Brandings brandings,
        PublicAddress publicAddress, PasswordEncoder passwords, TransactionTemplate transactions,
        @RealTime Clock clock) {
        this.staffUsers = staffUsers;
        this.invites = invites;
        this.emails = emails;
        this.accounts = accounts;
        this.brandings = brandings;
        this.publicAddress = publicAddress;
        this.passwords = passwords;
        this.transactions = transactions;
        this.clock = clock;
    }

    List<StaffUsers.StaffUser> list(String accountId) {
        return staffUsers.list(accountId, false);
    }

    /**
     * Makes an invitation and emails its link; nothing is left behind when the email cannot be sent. Once it is sent,
     * it replaces the older invitations still pending for that email.
     */
    StaffInvites.Invite invite(Caller.Staff by, String email, String role) {
        String address = email == null ? "" : email.strip();
        InternetAddress to;
        try {
            to = new InternetAddress(address, true);
        } catch (AddressException e) {
            throw new TillException(ErrorCode.VALIDATION_FAILED, "Enter an email address, such as ada@example.com.");
        }
        if (!EmailAddresses.isPlain(address)) {
            // "<bob@x.com>" would be mailed to bob@x.com, stored with its brackets, and never sign in.
            throw new TillException(ErrorCode.VALIDATION_FAILED, "Enter an email address, such as ada@example.com.");
        }
        checkRole(role);
        // Someone who signs in to another account is invited as anyone is, so that the answer never tells whether an
        // email signs in to Till elsewhere; their link then says it does, to them.
        if (staffUsers.findByEmail(address).filter(user -> user.accountId().equals(by.accountId())).isPresent()) {
            throw new TillException(ErrorCode.EMAIL_TAKEN, address + " is already on your staff.");
        }
        var issued = invites.issue(by.accountId(), address, role, by.staffUserId());
        try {
            send(by, issued, to);
        } catch (MessagingException | UnsupportedEncodingException | RuntimeException e) {
            invites.revoke(by.accountId(), issued.invite().id());
            log.warn("A staff invitation of account {} could not be sent: {}", by.accountId(), e.toString());
            throw new TillException(ErrorCode.SERVICE_UNAVAILABLE, "The invitation email to " + address
                + " could not be sent, so no invitation was made. Check the email (SMTP) integration and try again.");
        }
        invites.revokeOthersFor(by.accountId(), address, issued.invite().id());
        return issued.invite();
    }

    private void send(Caller.Staff by, StaffInvites.Issued issued, InternetAddress to)
        throws MessagingException, UnsupportedEncodingException {
        String accountId = by.accountId();
        String company = storeName(accountId);
        String url = publicAddress.baseUrl() + "/admin/invites/" + issued.token();
        String text = """
            Hello,

            %s invites you to join the staff of %s on Till, as %s.
            Choose your password here to accept; the link works once, within 7 days:
            %s

            If you did not expect this invitation, ignore this email.
            """.formatted(by.email(), company, "owner".equals(issued.invite().role()) ? "an owner" : "staff", url);
        String key = "staff_invite:" + issued.invite().id();
        emails.send(accountId, key,
            new Emails.Outgoing(to, null, "Join " + company + " on Till", text, null, null, true));
    }

    /** The store's name as its invitations say it, in the email and on the page: the branding's, else the account's. */
    String storeName(String accountId) {
        return brandings.get(accountId).companyNameOr(accounts.get(accountId).name());
    }

    void revokeInvite(String accountId, String inviteId) {
        if (!invites.revoke(accountId, inviteId)) {
            if (!invites.exists(accountId, inviteId)) {
                // Another account's, or none: not found, as another account's staff member is.
                throw new TillException(ErrorCode.NOT_FOUND, "No such invitation.");
            }
            throw new TillException(ErrorCode.INVALID_STATE,
                "That invitation can no longer be revoked: it was accepted or revoked already.");
        }
    }

    /**
     * Accepts the invitation behind {@code token} with the password chosen: uses the link up and creates the staff
     * member in one transaction, so a refused password or a taken email leaves the link usable. The other links for
     * that email stop working.
     */
    StaffUsers.StaffUser accept(String token, String password, String confirmation) {
        StaffPasswords.problem(password).ifPresent(problem -> {
            throw new TillException(ErrorCode.VALIDATION_FAILED, problem);
        });
        if (!password.equals(confirmation)) {
            throw new TillException(ErrorCode.VALIDATION_FAILED, "The two passwords are not the same.");
        }
        String hash = passwords.encode(password);
        return transactions.execute(status -> {
            var invite = invites.consume(token)
                .orElseThrow(() -> new TillException(ErrorCode.INVALID_STATE, "This invitation link was used, "
                    + "revoked or has expired. Ask an owner of the account for a new one."));
            invites.revokeOthersFor(invite.accountId(), invite.email(), invite.id());
            return staffUsers.create(invite.accountId(), invite.email(), hash, invite.role());
        });
    }

    /**
     * {@link #changeRole(String, String, String)} asked by {@code by}, who must still be an owner once the staff are
     * held: an owner removed or demoted while their own request waited does not finish it.
     */
    boolean changeRole(Caller.Staff by, String staffUserId, String role) {
        return Boolean.TRUE.equals(transactions.execute(status -> {
            requireStillOwner(by);
            return changeRole(by.accountId(), staffUserId, role);
        }));
    }

    /** {@link #remove(String, String)} asked by {@code by}, who must still be an owner once the staff are held. */
    StaffUsers.StaffUser remove(Caller.Staff by, String staffUserId) {
        return transactions.execute(status -> {
            requireStillOwner(by);
            return remove(by.accountId(), staffUserId);
        });
    }

    /** Holds the account's staff, as a change of one of them does, and refuses a caller no longer an owner. */
    private void requireStillOwner(Caller.Staff by) {
        boolean owner = staffUsers.list(by.accountId(), true).stream()
            .anyMatch(user -> user.id().equals(by.staffUserId()) && user.owner());
        if (!owner) {
            throw new TillException(ErrorCode.INVALID_STATE, "You are no longer an owner of this account, so you "
                + "cannot change its staff.");
        }
    }

    /** Answers whether the role changed (and their sessions ended): false when it was {@code role} already. */
    boolean changeRole(String accountId, String staffUserId, String role) {
        checkRole(role);
        return Boolean.TRUE.equals(transactions.execute(status -> {
            var member = lockedMember(accountId, staffUserId);
            if (member.role().equals(role)) {
                return false;
            }
            if (member.owner() && onlyOwner(accountId, member)) {
                throw new TillException(ErrorCode.INVALID_STATE, member.email() + " is the account's only owner: "
                    + "make someone else an owner first, so that the account keeps one.");
            }
            staffUsers.changeRole(accountId, staffUserId, role);
            if (member.owner()) {
                // The invitations they sent as an owner would let whoever they name in, as an owner perhaps.
                invites.revokeSentBy(accountId, staffUserId);
            }
            return true;
        }));
    }

    /**
     * Removes a member, the invitations still pending for their email and those they sent: none of them lets them, or
     * an address of theirs, back in.
     */
    StaffUsers.StaffUser remove(String accountId, String staffUserId) {
        return transactions.execute(status -> {
            var member = lockedMember(accountId, staffUserId);
            if (member.owner() && onlyOwner(accountId, member)) {
                throw new TillException(ErrorCode.INVALID_STATE, member.email() + " is the account's only owner "
                    + "and cannot be removed: make someone else an owner first.");
            }
            staffUsers.remove(accountId, staffUserId);
            invites.revokeOthersFor(accountId, member.email(), null);
            invites.revokeSentBy(accountId, staffUserId);
            return member;
        });
    }

    /**
     * Checks the current password, then {@code proved} runs (the check was no failed guess); answers the new session
     * epoch (other sessions end).
     */
    int changePassword(Caller.Staff staff, String current, String password, String confirmation, Runnable proved) {
        var user = staffUsers.find(staff.staffUserId())
            .filter(found -> found.accountId().equals(staff.accountId()))
            .orElseThrow(() -> new TillException(ErrorCode.NOT_FOUND, "No such staff member."));
        if (current == null || !passwords.matches(current, user.passwordHash())) {
            throw new TillException(ErrorCode.VALIDATION_FAILED, "The current password is not right.");
        }
        proved.run();
        StaffPasswords.problem(password).ifPresent(problem -> {
            throw new TillException(ErrorCode.VALIDATION_FAILED, problem);
        });
        if (!password.equals(confirmation)) {
            throw new TillException(ErrorCode.VALIDATION_FAILED, "The two new passwords are not the same.");
        }
        return staffUsers.changePassword(staff.accountId(), user.id(), passwords.encode(password));
    }

    private StaffUsers.StaffUser lockedMember(String accountId, String staffUserId) {
        return staffUsers.list(accountId, true)
            .stream()
            .filter(user -> user.id().equals(staffUserId))
            .findFirst()
            .orElseThrow(() -> new TillException(ErrorCode.NOT_FOUND, "No such staff member."));
    }

    private boolean onlyOwner(String accountId, StaffUsers.StaffUser member) {
        return staffUsers.list(accountId, false)
            .stream()
            .noneMatch(user -> user.owner() && !user.id().equals(member.id()));
    }

    private static void checkRole(String role) {
        if (role == null || !ROLES.contains(role)) {
            throw new TillException(ErrorCode.VALIDATION_FAILED, "Choose a role: owner or staff.");
        }
    }
}
