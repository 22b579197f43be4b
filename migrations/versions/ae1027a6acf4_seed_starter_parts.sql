-- Seed starter parts
--
-- Revision ID: ae1027a6acf4
-- Revises: 1975ea83b712
-- Create Date: 2021-06-02 09:41:07.112093

-- migrate:upgrade
INSERT INTO part (id, name, description, footprint, manufacturer, mpn, notes) VALUES
    ('res-10k', '10k resistor', 'Thick film, 1%; the pull-up everyone needs', '0603', 'Yageo', 'RC0603FR-0710KL', NULL),
    ('cap-100n', '100nF capacitor', 'X7R, 50 V decoupling', '0603', 'Samsung', 'CL10B104KB8NNNC', 'Put one by every supply pin'),
    ('mcu-328p', 'ATmega328P', '8-bit AVR microcontroller', 'TQFP-32', 'Microchip', 'ATMEGA328P-AU', NULL),
    ('usb-c', 'USB-C receptacle', '16-pin, mid-mount', 'USB-C-16P', 'GCT', 'USB4105-GF-A', 'Check the shell''s tabs before ordering'),
    ('ldo-3v3', 'LDO 3.3 V', '500 mA low-dropout regulator', 'SOT-223', 'Texas Instruments', 'LM1117MPX-3.3', NULL),
    ('led-red', 'Red LED', '630 nm, 20 mA', '0805', 'Kingbright', 'APT2012EC', NULL),
    ('sw-tact', 'Tactile switch', '6 x 6 mm, 160 gf', 'SMD-4', 'C&K', 'PTS645SM43SMTR92', NULL),
    ('xtal-16m', '16 MHz crystal', '18 pF load', 'HC49-SMD', 'Abracon', 'ABLS-16.000MHZ-B4-T', NULL);

-- migrate:downgrade
DELETE FROM part WHERE id IN (
    'res-10k', 'cap-100n', 'mcu-328p', 'usb-c', 'ldo-3v3', 'led-red', 'sw-tact', 'xtal-16m');
