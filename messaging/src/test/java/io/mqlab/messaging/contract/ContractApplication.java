package io.mqlab.messaging.contract;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The smallest application that uses the messaging library: each context started from it
 * plays one service instance (one member of a consumer group).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ContractApplication {

}
