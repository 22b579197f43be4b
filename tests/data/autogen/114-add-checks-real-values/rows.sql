INSERT INTO film VALUES (1, 'Metropolis', 'active', 1927, 8.3), (2, 'Nosferatu', 'retired', 1922, 7.9), (3, 'Sunrise', NULL, NULL, NULL);
