package io.mqlab.bench.mqlab;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The application each backend's context is started from: the messaging library and
 * nothing else, as a service using it would have.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BenchApplication {

}
