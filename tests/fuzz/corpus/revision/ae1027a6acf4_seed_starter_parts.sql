-- Seed starter parts
--
-- Revision ID: ae1027a6acf4
-- Revises: 1975ea83b712
-- Create Date: 2021-06-02 09:41:07.112093

-- migrate:upgrade
INSERT INTO part (name, description, footprint, manufacturer, mpn) VALUES
    ('10k resistor', 'Thick film, 1%; the pull-up everyone needs', '0603', 'Yageo', 'RC0603FR-0710KL'),
    ('100nF capacitor', 'X7R, 50 V decoupling', '0603', 'Samsung', 'CL10B104KB8NNNC'),
    ('ATmega328P', '8-bit AVR microcontroller', 'TQFP-32', 'Microchip', 'ATMEGA328P-AU'),
    ('USB-C receptacle', '16-pin, mid-mount', 'USB-C-16P', 'GCT', 'USB4105-GF-A'),
    ('LDO 3.3 V', '500 mA low-dropout regulator', 'SOT-223', 'Texas Instruments', 'LM1117MPX-3.3'),
    ('Red LED', '630 nm, 20 mA', '0805', 'Kingbright', 'APT2012EC'),
    ('Tactile switch', '6 x 6 mm, 160 gf', 'SMD-4', 'C&K', 'PTS645SM43SMTR92'),
    ('16 MHz crystal', '18 pF load', 'HC49-SMD', 'Abracon', 'ABLS-16.000MHZ-B4-T');

-- migrate:downgrade
DELETE FROM part WHERE mpn IN (
    'RC0603FR-0710KL', 'CL10B104KB8NNNC', 'ATMEGA328P-AU', 'USB4105-GF-A',
    'LM1117MPX-3.3', 'APT2012EC', 'PTS645SM43SMTR92', 'ABLS-16.000MHZ-B4-T');
