-- One database per service, and one for the PostgreSQL queue backend (the "broker").
CREATE DATABASE orders_legacy;
CREATE DATABASE orders_new;
CREATE DATABASE reconciliation;
CREATE DATABASE mqlab;
CREATE DATABASE catalog;
