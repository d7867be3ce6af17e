package io.mqlab.iot.bridge;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the bridge knows of Mosquitto: whether it is connected and how many messages
 * Mosquitto dropped since it started (a full client queue; never expected).
 */
@RestController
@ConditionalOnBean(MqttBridge.class)
class BrokerController {

	private final MqttBridge bridge;

	BrokerController(MqttBridge bridge) {
		this.bridge = bridge;
	}

	@GetMapping("/broker")
	Map<String, Object> broker() {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("connected", this.bridge.connected());
		answer.put("dropped", this.bridge.dropped());
		return answer;
	}

}
