package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys: ant_ prefix, stored only as SHA-256, shown once, resolved to accounts across processes. */
class ApiKeyStoreTest {
    @TempDir
    Path state;

    @Test
    void aKeyIsRandomPrefixedAndStoredOnlyAsItsHash() throws Exception {
        ApiKeyStore keys = ApiKeyStore.open(state, AccountLimits.DEFAULTS);
        ApiKeyStore.CreatedKey k = keys.create("alice", null, null);
        assertThat(k.key()).startsWith("ant_").hasSize(4 + 43);
        assertThat(k.toString()).doesNotContain(k.key());
        String file = Files.readString(state.resolve(ApiKeyStore.FILE));
        assertThat(file).doesNotContain(k.key()).doesNotContain(k.key().substring(4, 20)).contains(ApiKeyStore.sha256(k.key()));
        assertThat(ApiKeyStore.sha256(k.key())).hasSize(64).startsWith(k.id());
        assertThat(Files.getPosixFilePermissions(state.resolve(ApiKeyStore.FILE))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(keys.create("alice", null, null).key());
        }
        assertThat(seen).hasSize(20);
    }

    @Test
    void authenticateResolvesTheAccountAndRefusesEverythingElse() {
        ApiKeyStore keys = ApiKeyStore.open(state, AccountLimits.DEFAULTS);
        String alice = keys.create("alice", null, null).key();
        String bob = keys.create("bob", "team-b", null).key();
        assertThat(keys.authenticate(alice)).get().extracting(Account::name, Account::namespace).containsExactly("alice", "alice");
        assertThat(keys.authenticate(bob)).get().extracting(Account::name, Account::namespace).containsExactly("bob", "team-b");
        assertThat(keys.authenticate(alice + "x")).isEmpty();
        assertThat(keys.authenticate(alice.substring(4))).isEmpty();
        assertThat(keys.authenticate("ant_")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
    }

    @Test
    void aKeyCreatedByAnotherProcessIsSeenOnTheNextRequest() {
        ApiKeyStore server = ApiKeyStore.open(state, AccountLimits.DEFAULTS);
        assertThat(server.authenticate("ant_nothing")).isEmpty();
        String key = ApiKeyStore.open(state, AccountLimits.DEFAULTS).create("carol", null, null).key();
        assertThat(server.authenticate(key)).get().extracting(Account::name).isEqualTo("carol");
        assertThat(server.list()).extracting(ApiKeyStore.KeyInfo::account).containsExactly("carol");
    }

    @Test
    void revokedKeysStopWorking() {
        ApiKeyStore keys = ApiKeyStore.open(state, AccountLimits.DEFAULTS);
        ApiKeyStore.CreatedKey k = keys.create("alice", null, null);
        String other = keys.create("alice", null, null).key();
        assertThat(keys.revoke(k.id())).isTrue();
        assertThat(keys.revoke(k.id())).isFalse();
        assertThat(keys.authenticate(k.key())).isEmpty();
        assertThat(keys.authenticate(other)).isPresent();
    }

    @Test
    void accountsHaveTheDefaultLimitsUnlessTheirOwnWereStored() {
        AccountLimits defaults = AccountLimits.DEFAULTS.withMaxConcurrentClusters(3);
        ApiKeyStore keys = ApiKeyStore.open(state, defaults);
        String plain = keys.create("alice", null, null).key();
        AccountLimits own = new AccountLimits(1, 2, Duration.ofSeconds(90));
        String limited = keys.create("bob", null, own).key();
        assertThat(keys.authenticate(plain).orElseThrow().limits()).isEqualTo(defaults);
        assertThat(keys.authenticate(limited).orElseThrow().limits()).isEqualTo(own);
    }

    @Test
    void namesAreCheckedAndKeyCreateNeverChangesANamespace() {
        ApiKeyStore keys = ApiKeyStore.open(state, AccountLimits.DEFAULTS);
        assertThatThrownBy(() -> keys.create("../etc", null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid account name");
        assertThatThrownBy(() -> keys.create("Alice", null, null)).isInstanceOf(IllegalArgumentException.class);
        keys.create("alice", "team-a", null);
        assertThatThrownBy(() -> keys.create("alice", "team-b", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot change");
        assertThat(keys.create("alice", null, null).account().namespace()).isEqualTo("team-a");
    }

    @Test
    void changeNamespaceFollowsTheNamingRuleAndNeverTakesAnotherAccountsNamespace() {
        ApiKeyStore keys = ApiKeyStore.open(state, AccountLimits.DEFAULTS);
        String alice = keys.create("alice", null, null).key();
        keys.create("bob", "team-b", null);
        ApiKeyStore other = ApiKeyStore.open(state, AccountLimits.DEFAULTS); // a running server: sees it on the next request
        assertThat(other.authenticate(alice).orElseThrow().namespace()).isEqualTo("alice");

        assertThat(keys.changeNamespace("alice", "team-a").namespace()).isEqualTo("team-a");
        assertThat(other.authenticate(alice).orElseThrow().namespace()).isEqualTo("team-a");
        assertThat(keys.list()).extracting(ApiKeyStore.KeyInfo::namespace).containsExactly("team-a", "team-b");

        for (String[] bad : new String[][] {{"Team A", "invalid namespace 'Team A'"}, {"", "invalid namespace ''"},
                {"../keys", "invalid namespace"}, {"team-b", "belongs to another account"}, {"bob", "belongs to another account"},
                {"antrieb", "reserved"}, {"local", "reserved"}}) {
            assertThatThrownBy(() -> keys.changeNamespace("alice", bad[0])).as(bad[0]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad[1]).hasMessageContaining("e.g.");
            assertThat(other.authenticate(alice).orElseThrow().namespace()).as(bad[0]).isEqualTo("team-a");
        }
        assertThatThrownBy(() -> keys.changeNamespace("nobody", "x")).hasMessageContaining("no account nobody");
        // What alice had stays hers: bob cannot move into it, a new account does not get it by default, alice can move back.
        assertThatThrownBy(() -> keys.changeNamespace("bob", "alice")).hasMessageContaining("belongs to another account");
        assertThatThrownBy(() -> keys.create("team-a", null, null)).hasMessageContaining("belongs to account alice")
                .hasMessageContaining("--namespace");
        assertThat(keys.changeNamespace("alice", "alice").namespace()).isEqualTo("alice");
        assertThat(keys.changeNamespace("alice", "team-a").namespace()).isEqualTo("team-a");
    }
}
