package io.mqlab.ordernew.order;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores an {@link OrderView} as JSON text in a jsonb column.
 */
@Converter
class OrderViewConverter implements AttributeConverter<OrderView, String> {

	@Override
	public String convertToDatabaseColumn(OrderView order) {
		return JsonMapper.shared().writeValueAsString(order);
	}

	@Override
	public OrderView convertToEntityAttribute(String json) {
		return JsonMapper.shared().readValue(json, OrderView.class);
	}

}
