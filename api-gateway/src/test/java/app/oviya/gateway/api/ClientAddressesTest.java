package app.oviya.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    static final String PEER = "10.0.0.9";

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        assertEquals(PEER, ClientAddresses.resolve(List.of("203.0.113.7"), PEER, 0));
        assertEquals(PEER, ClientAddresses.resolve(List.of(), PEER, 0));
    }

    @Test
    void behindGkesLoadBalancerTheClientIsTheEntryBeforeTheBalancers() {
        // GKE's external Application Load Balancer appends "<client>, <load balancer>".
        assertEquals("203.0.113.7", ClientAddresses.resolve(List.of("203.0.113.7, 34.120.0.1"), PEER, 2));
        // Whatever the client sent itself stays to the left and is not believed.
        assertEquals("203.0.113.7", ClientAddresses.resolve(List.of("1.2.3.4, 5.6.7.8, 203.0.113.7, 34.120.0.1"), PEER, 2));
    }

    @Test
    void entriesOfSeveralHeadersAreReadInOrderAndBlanksSkipped() {
        assertEquals("203.0.113.7", ClientAddresses.resolve(List.of("1.2.3.4", " 203.0.113.7 ,, 34.120.0.1"), PEER, 2));
        assertEquals("2001:db8::1", ClientAddresses.resolve(List.of("2001:db8::1"), PEER, 1));
    }

    @Test
    void aHeaderShorterThanTheTrustedHopsDidNotComeThroughThemAndThePeerCounts() {
        assertEquals(PEER, ClientAddresses.resolve(List.of("203.0.113.7"), PEER, 2));
        assertEquals(PEER, ClientAddresses.resolve(List.of(" , "), PEER, 1));
        assertEquals(PEER, ClientAddresses.resolve(null, PEER, 1));
    }
}
