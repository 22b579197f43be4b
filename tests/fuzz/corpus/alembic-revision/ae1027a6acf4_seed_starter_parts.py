"""Seed starter parts

Revision ID: ae1027a6acf4
Revises: 1975ea83b712
Create Date: 2021-06-02 09:41:07.112093

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ae1027a6acf4'
down_revision = '1975ea83b712'
branch_labels = None
depends_on = None

part = sa.table(
    "part",
    sa.column("id", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("footprint", sa.String),
    sa.column("manufacturer", sa.String),
    sa.column("mpn", sa.String),
    sa.column("notes", sa.Text),
)

STARTERS = [
    ("res-10k", "10k resistor", "Thick film, 1%; the pull-up everyone needs", "0603",
     "Yageo", "RC0603FR-0710KL", None),
    ("cap-100n", "100nF capacitor", "X7R, 50 V decoupling", "0603",
     "Samsung", "CL10B104KB8NNNC", "Put one by every supply pin"),
    ("mcu-328p", "ATmega328P", "8-bit AVR microcontroller", "TQFP-32",
     "Microchip", "ATMEGA328P-AU", None),
    ("usb-c", "USB-C receptacle", "16-pin, mid-mount", "USB-C-16P",
     "GCT", "USB4105-GF-A", "Check the shell's tabs before ordering"),
    ("ldo-3v3", "LDO 3.3 V", "500 mA low-dropout regulator", "SOT-223",
     "Texas Instruments", "LM1117MPX-3.3", None),
    ("led-red", "Red LED", "630 nm, 20 mA", "0805",
     "Kingbright", "APT2012EC", None),
    ("sw-tact", "Tactile switch", "6 x 6 mm, 160 gf", "SMD-4",
     "C&K", "PTS645SM43SMTR92", None),
    ("xtal-16m", "16 MHz crystal", "18 pF load", "HC49-SMD",
     "Abracon", "ABLS-16.000MHZ-B4-T", None),
]


def upgrade() -> None:
    op.bulk_insert(
        part,
        [
            dict(zip(("id", "name", "description", "footprint", "manufacturer", "mpn",
                      "notes"), row))
            for row in STARTERS
        ],
    )


def downgrade() -> None:
    op.execute(part.delete().where(part.c.id.in_([row[0] for row in STARTERS])))
