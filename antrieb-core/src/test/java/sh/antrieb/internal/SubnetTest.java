package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import sh.antrieb.InvalidSpecException;

class SubnetTest {

    @Test
    void conventions() {
        Subnet s = Subnet.parse("10.10.1.0/24");
        assertThat(s.gateway()).isEqualTo("10.10.1.1");
        assertThat(s.node(1)).isEqualTo("10.10.1.10");
        assertThat(s.node(3)).isEqualTo("10.10.1.12");
        assertThat(s).hasToString("10.10.1.0/24");
    }

    @Test
    void onlyNetworkAddressesOfSlash24() {
        assertThatThrownBy(() -> Subnet.parse("10.10.0.0/16")).isInstanceOf(InvalidSpecException.class).hasMessageContaining("only /24");
        assertThatThrownBy(() -> Subnet.parse("10.10.1.5/24")).hasMessageContaining("write 10.10.1.0/24");
        assertThatThrownBy(() -> Subnet.parse("10.300.1.0/24")).hasMessageContaining("invalid IPv4");
    }

    @Test
    void overlap() {
        Subnet s = Subnet.parse("10.200.5.0/24");
        assertThat(s.overlaps(Subnet.toInt("10.0.0.0", ""), 8)).isTrue();
        assertThat(s.overlaps(Subnet.toInt("10.200.5.0", ""), 24)).isTrue();
        assertThat(s.overlaps(Subnet.toInt("10.200.5.128", ""), 25)).isTrue();
        assertThat(s.overlaps(Subnet.toInt("10.200.6.0", ""), 24)).isFalse();
    }

    @Test
    void planAvoidsNetworksInUse() {
        AddressPlan plan = AddressPlan.empty();
        plan.addNetworkXml("other", "<network><ip address='10.200.0.1' prefix='13'/></network>");
        assertThat(plan.isFree(Subnet.parse("10.201.3.0/24"))).isFalse();
        Subnet picked = plan.pick(AddressPlan.CONTROL_POOL, AddressPlan.CONTROL_POOL_SIZE);
        assertThat(plan.isFree(picked)).as("a picked subnet is reserved").isFalse();
        assertThat(picked.toString()).matches("100\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\\.[0-9]+\\.0/24");
    }
}
