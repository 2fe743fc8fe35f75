package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.shared.Caller;
import io.till.shared.TillException;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An email has at most one live invitation per account: a new one replaces the older, accepting one revokes the
 * others, and removing a member revokes what was still pending for their email, so no old link lets them back in.
 */
@TillIntegrationTest
class StaffInviteRevocationTest {

    private static final String PASSWORD = "a long enough password";

    @Autowired
    TestAccounts accounts;
    @Autowired
    StaffInvites invites;
    @Autowired
    StaffMembers members;
    @Autowired
    JdbcClient db;
    @Autowired
    io.till.account.StaffUsers staffUsers;

    @Test
    void aRemovedMemberCannotRejoinThroughAnOlderUnusedInvitation() {
        String accountId = accounts.create().id();
        String email = email();
        var first = invites.issue(accountId, email, "staff", owner(accountId));
        var second = invites.issue(accountId, email, "owner", owner(accountId));
        var member = members.accept(first.token(), PASSWORD, PASSWORD);

        members.remove(accountId, member.id());

        assertThatThrownBy(() -> members.accept(second.token(), PASSWORD, PASSWORD))
            .isInstanceOf(TillException.class)
            .hasMessageContaining("This invitation link was used, revoked or has expired");
        assertThat(staffRows(email)).isZero();
    }

    @Test
    void acceptingAnInvitationRevokesTheOtherInvitationsForThatEmail() {
        String accountId = accounts.create().id();
        String email = email();
        var first = invites.issue(accountId, email, "staff", owner(accountId));
        var second = invites.issue(accountId, email, "owner", owner(accountId));

        members.accept(first.token(), PASSWORD, PASSWORD);

        assertThat(revokedAt(second.invite().id())).isTrue();
        assertThat(invites.open(accountId)).isEmpty();
    }

    @Test
    void removingAMemberRevokesTheInvitationsStillPendingForTheirEmail() {
        String accountId = accounts.create().id();
        String email = email();
        var member = members.accept(invites.issue(accountId, email, "staff", owner(accountId)).token(), PASSWORD,
            PASSWORD);
        var stray = invites.issue(accountId, email, "owner", owner(accountId));

        members.remove(accountId, member.id());

        assertThat(revokedAt(stray.invite().id())).isTrue();
        assertThat(invites.usable(stray.token())).isEmpty();
    }

    @Test
    void aNewInvitationReplacesTheOlderPendingOneForTheSameEmailAndOnlyItIsListed() {
        var account = accounts.create();
        var owner = new Caller.Staff(account.id(), owner(account.id()), "owner@example.com");
        String email = email();

        var older = members.invite(owner, email, "owner");
        var newer = members.invite(owner, email.toUpperCase(), "staff");

        assertThat(revokedAt(older.id())).isTrue();
        assertThat(revokedAt(newer.id())).isFalse();
        assertThat(invites.open(account.id())).extracting(StaffInvites.Invite::id).containsExactly(newer.id());
    }

    /**
     * An owner removed, or made staff, does not come back through an invitation they sent before (as an owner, to an
     * address of theirs): a review found such links still usable for their seven days.
     */
    @Test
    void anOwnerRemovedOrDemotedCannotComeBackThroughAnInvitationTheySent() {
        String accountId = accounts.create().id();
        owner(accountId);
        String mallory = owner(accountId);
        var sentBeforeRemoval = invites.issue(accountId, email(), "owner", mallory);
        String eve = owner(accountId);
        var sentBeforeDemotion = invites.issue(accountId, email(), "owner", eve);

        members.remove(accountId, mallory);
        members.changeRole(accountId, eve, "staff");

        for (var link : java.util.List.of(sentBeforeRemoval, sentBeforeDemotion)) {
            assertThatThrownBy(() -> members.accept(link.token(), PASSWORD, PASSWORD))
                .isInstanceOf(TillException.class)
                .hasMessageContaining("This invitation link was used, revoked or has expired");
            assertThat(staffRows(link.invite().email())).isZero();
        }
    }

    /** An invitation sent by an owner no longer one is refused even where it was not revoked (sent meanwhile). */
    @Test
    void anInvitationWhoseSenderIsNoLongerAnOwnerIsRefused() {
        String accountId = accounts.create().id();
        owner(accountId);
        String sender = owner(accountId);
        var link = invites.issue(accountId, email(), "owner", sender);
        db.sql("UPDATE staff_users SET role = 'staff' WHERE id = :id").param("id", sender).update();

        assertThatThrownBy(() -> members.accept(link.token(), PASSWORD, PASSWORD))
            .isInstanceOf(TillException.class);
        assertThat(staffRows(link.invite().email())).isZero();
    }

    /**
     * An address pasted with its brackets ("<bob@example.com>", from a mail client) is refused: it was mailed to
     * bob@example.com, stored with its brackets, and the member it made could never sign in.
     */
    @Test
    void anAddressInBracketsIsRefusedNotInvited() {
        var account = accounts.create();
        var owner = new Caller.Staff(account.id(), owner(account.id()), "owner@example.com");

        assertThatThrownBy(() -> members.invite(owner, "<" + email() + ">", "staff"))
            .isInstanceOf(TillException.class)
            .hasMessageContaining("Enter an email address");
        assertThat(invites.open(account.id())).isEmpty();
    }

    /**
     * An owner removed or made staff while their own change of the staff waited does not finish it: a review found A
     * removing B while B removed C, and B's removal of C going through once A's was done.
     */
    @Test
    void anOwnerNoLongerOneCannotChangeTheStaff() {
        String accountId = accounts.create().id();
        owner(accountId);
        String demoted = owner(accountId);
        String target = owner(accountId);
        db.sql("UPDATE staff_users SET role = 'staff' WHERE id = :id").param("id", demoted).update();
        var by = new Caller.Staff(accountId, demoted, "demoted@example.com");

        assertThatThrownBy(() -> members.remove(by, target))
            .isInstanceOf(TillException.class)
            .hasMessageContaining("no longer an owner");
        assertThatThrownBy(() -> members.changeRole(by, target, "staff"))
            .isInstanceOf(TillException.class);
        assertThat(db.sql("SELECT role FROM staff_users WHERE id = :id").param("id", target).query(String.class)
            .single()).isEqualTo("owner");
    }

    /** A new owner of the account, signed in to nothing: who sends the invitations of these tests. */
    private String owner(String accountId) {
        return staffUsers.create(accountId, "owner-" + UUID.randomUUID() + "@example.com", "{noop}unused", "owner")
            .id();
    }

    private static String email() {
        return "staff1-" + UUID.randomUUID() + "@example.com";
    }

    private boolean revokedAt(String inviteId) {
        return db.sql("SELECT revoked_at IS NOT NULL FROM staff_invites WHERE id = :id")
            .param("id", inviteId)
            .query(Boolean.class)
            .single();
    }

    private long staffRows(String email) {
        return db.sql("SELECT count(*) FROM staff_users WHERE lower(email) = lower(:email)")
            .param("email", email)
            .query(Long.class)
            .single();
    }
}
