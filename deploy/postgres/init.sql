CREATE DATABASE crm_gateway;
CREATE DATABASE crm_contacts;
CREATE DATABASE crm_analytics;
CREATE DATABASE crm_sales;
CREATE DATABASE crm_support;
CREATE DATABASE crm_marketing;
CREATE DATABASE crm_documents;
