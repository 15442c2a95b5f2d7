"""A small, hand-written directory the search tests reason about exactly.

20 published vendors and 2 that must never be found. Counts the tests rely on:

- categories: data-entry 6; customer-support, finance-accounting, hr-recruitment, it-services,
  payroll 4 each
- countries: IN 5, PH 5, US 4, MX 3, PL 3
- certifications: iso-27001 7, soc-2 6, gdpr 3, iso-9001 3, pci-dss 3, hipaa 2
"""

from __future__ import annotations

from dataclasses import replace

from marketplace.search.documents import VendorDocument

CATEGORY_NAMES = {
    "payroll": "Payroll",
    "it-services": "IT Services",
    "data-entry": "Data Entry",
    "hr-recruitment": "HR & Recruitment",
    "finance-accounting": "Finance & Accounting",
    "customer-support": "Customer Support",
}
CERT_NAMES = {
    "iso-27001": "ISO 27001",
    "soc-2": "SOC 2",
    "iso-9001": "ISO 9001",
    "hipaa": "HIPAA",
    "gdpr": "GDPR",
    "pci-dss": "PCI DSS",
}
COUNTRY_NAMES = {
    "PH": "Philippines",
    "IN": "India",
    "PL": "Poland",
    "US": "United States",
    "MX": "Mexico",
}


def vendor(
    id: int,
    slug: str,
    name: str,
    *,
    cats: tuple[str, ...],
    country: str,
    city: str,
    certs: tuple[str, ...] = (),
    rate: tuple[int, int] | None = None,
    rating: int | None = None,
    reviews: int = 0,
    team: int | None = None,
    verified: bool = False,
    tagline: str = "",
    description: str = "",
    services: str = "",
    status: str = "published",
) -> VendorDocument:
    """Build a document the way the directory would, names derived from slugs."""
    return VendorDocument(
        id=id,
        slug=slug,
        name=name,
        tagline=tagline,
        description=description,
        services_text=services,
        categories=cats,
        category_names=tuple(CATEGORY_NAMES[c] for c in cats),
        country=country,
        country_name=COUNTRY_NAMES[country],
        city=city,
        certifications=certs,
        certification_names=tuple(CERT_NAMES[c] for c in certs),
        languages=("English",),
        rate_min_cents=rate[0] if rate else None,
        rate_max_cents=rate[1] if rate else None,
        rating_x100=rating,
        review_count=reviews,
        team_size=team,
        verified=verified,
        status=status,
    )


PUBLISHED = [
    vendor(1, "manila-payroll-partners", "Manila Payroll Partners", cats=("payroll", "finance-accounting"),
           country="PH", city="Manila", certs=("soc-2", "iso-27001"), rate=(1200, 2000), rating=463,
           reviews=41, team=120, verified=True, tagline="Payroll for growing companies in Asia",
           description="Outsourced payroll for companies with 50 to 5,000 employees, with "
           "statutory filings and payslips every cycle.",
           services="Payroll. Monthly payroll runs, tax filings and year-end reports."),
    vendor(2, "cebu-data-works", "Cebu Data Works", cats=("data-entry",), country="PH", city="Cebu",
           certs=("iso-27001",), rate=(600, 900), rating=421, reviews=18, team=300, verified=True,
           tagline="Accurate data entry at scale",
           description="Catalogue uploads, invoice capture and form digitisation, double keyed.",
           services="Data Entry. Invoice capture and catalogue management."),
    vendor(3, "luzon-support-hub", "Luzon Support Hub", cats=("customer-support",), country="PH",
           city="Quezon City", certs=("pci-dss", "iso-27001"), rate=(800, 1400), rating=437,
           reviews=25, team=450, tagline="Omnichannel customer care, around the clock",
           description="Voice, chat and e-mail support for retail and fintech brands.",
           services="Customer Support. Tier 1 and tier 2 helpdesk."),
    vendor(4, "bangalore-it-desk", "Bangalore IT Desk", cats=("it-services",), country="IN",
           city="Bengaluru", certs=("iso-27001", "iso-9001", "soc-2"), rate=(2000, 3500),
           rating=455, reviews=60, team=800, verified=True,
           tagline="Managed IT services and cloud operations",
           description="Service desk, network monitoring and Microsoft 365 administration.",
           services="IT Services. Managed service desk and infrastructure monitoring."),
    vendor(5, "pune-payroll-services", "Pune Payroll Services", cats=("payroll", "hr-recruitment"),
           country="IN", city="Pune", certs=("iso-9001",), rate=(900, 1500), rating=398, reviews=12,
           team=90, tagline="Payroll and onboarding for Indian employers",
           description="Payroll compliance, provident fund filings and new-hire onboarding.",
           services="Payroll. Salary processing. HR & Recruitment. Onboarding support."),
    vendor(6, "chennai-claims", "Chennai Claims Co", cats=("data-entry",), country="IN",
           city="Chennai", certs=("hipaa",), rate=(500, 800), rating=412, reviews=30, team=250,
           verified=True, tagline="Medical claims keyed within 24 hours",
           description="We process medical claims and remittance forms for US clinics.",
           services="Data Entry. Claims keying and indexing."),
    vendor(7, "delhi-talent-bridge", "Delhi Talent Bridge", cats=("hr-recruitment",), country="IN",
           city="New Delhi", rate=(1000, 1800), team=40,
           tagline="Recruitment for technology teams",
           description="End-to-end recruitment: sourcing, screening and interview scheduling.",
           services="HR & Recruitment. Candidate sourcing."),
    vendor(8, "ledgerline-krakow", "LedgerLine Krakow", cats=("finance-accounting",), country="PL",
           city="Krakow", certs=("gdpr", "iso-27001"), rate=(3000, 4500), rating=481, reviews=22,
           team=60, verified=True, tagline="Finance operations for European scale-ups",
           description="Bookkeeping, month-end close and audit support in English and German.",
           services="Finance & Accounting. Accounts payable and reconciliations."),
    vendor(9, "warsaw-cloud-ops", "Warsaw Cloud Ops", cats=("it-services",), country="PL",
           city="Warsaw", certs=("gdpr", "iso-27001", "soc-2"), rate=(4000, 6000), rating=472,
           reviews=15, team=75, verified=True, tagline="DevOps and cloud engineering",
           description="Kubernetes operations, cost optimisation and on-call engineering.",
           services="IT Services. Cloud operations."),
    vendor(10, "gdansk-helpdesk", "Gdansk Helpdesk", cats=("customer-support", "it-services"),
           country="PL", city="Gdansk", certs=("gdpr",), rate=(2500, 3800), rating=405, reviews=9,
           team=35, tagline="Multilingual helpdesk for software companies",
           description="Technical support in Polish, German and English.",
           services="Customer Support. Technical support. IT Services. End-user support."),
    vendor(11, "austin-hr-partners", "Austin HR Partners", cats=("hr-recruitment", "payroll"),
           country="US", city="Austin", certs=("soc-2",), rate=(6000, 9000), rating=445, reviews=33,
           team=55, verified=True, tagline="People operations for startups",
           description="Recruitment process outsourcing, benefits administration and payroll.",
           services="HR & Recruitment. Recruiting. Payroll. Multi-state payroll."),
    vendor(12, "denver-payroll-cloud", "Denver Payroll Cloud", cats=("payroll",), country="US",
           city="Denver", certs=("soc-2", "pci-dss"), rate=(7000, 11000), rating=390, reviews=7,
           team=20, tagline="Payroll software with a service team",
           description="Payroll and contractor payments for US companies.",
           services="Payroll. Contractor payments."),
    vendor(13, "boston-medical-billing", "Boston Medical Billing",
           cats=("finance-accounting", "data-entry"), country="US", city="Boston",
           certs=("hipaa", "soc-2"), rate=(5500, 8000), rating=468, reviews=27, team=140,
           verified=True, tagline="Revenue cycle management for clinics",
           description="Medical billing, coding and denial management.",
           services="Finance & Accounting. Billing. Data Entry. Charge entry."),
    vendor(14, "guadalajara-devs", "Guadalajara Devs", cats=("it-services",), country="MX",
           city="Guadalajara", certs=("iso-9001",), rate=(2800, 4200), rating=459, reviews=19,
           team=65, verified=True, tagline="Nearshore software development",
           description="Web and mobile development teams in your time zone.",
           services="IT Services. Software development."),
    vendor(15, "monterrey-contact-center", "Monterrey Contact Center", cats=("customer-support",),
           country="MX", city="Monterrey", certs=("pci-dss",), rate=(1400, 2200), rating=366,
           reviews=11, team=300, tagline="Bilingual contact centre",
           description="Spanish and English customer service, sales and collections.",
           services="Customer Support. Inbound calls."),
    vendor(16, "frontera-books", "Frontera Books", cats=("finance-accounting",), country="MX",
           city="Tijuana", rate=(1800, 2600), team=8, tagline="Cross-border accounting",
           description="Bookkeeping and tax preparation for cross-border small businesses.",
           services="Finance & Accounting. Bookkeeping."),
    vendor(17, "clearscribe", "ClearScribe", cats=("data-entry",), country="PH", city="Davao",
           rate=(400, 700), rating=425, reviews=20, team=35, verified=True,
           tagline="Transcription you can rely on",
           description="Audio transcription, captioning and data capture for researchers.",
           services="Data Entry. Transcription."),
    vendor(18, "northwind-data", "Northwind Data", cats=("data-entry",), country="IN",
           city="Kolkata", certs=("iso-27001",), rate=(700, 1100), rating=430, reviews=14, team=200,
           tagline="Back-office data services",
           description="Product catalogue enrichment and data cleansing.",
           services="Data Entry. Catalogue enrichment."),
    vendor(19, "harbor-outsourcing", "Harbor Outsourcing", cats=("customer-support", "data-entry"),
           country="PH", city="Iloilo", rate=(700, 1000), rating=401, reviews=5, team=150,
           tagline="Flexible back-office teams",
           description="Founded by former Northwind team leads; e-mail support and order entry.",
           services="Customer Support. E-mail support. Data Entry. Order entry."),
    vendor(20, "acme-script-staffing", "Acme <Script> Staffing", cats=("hr-recruitment",),
           country="US", city="Chicago", rating=350, reviews=3,
           tagline="Staffing & <i>more</i>",
           description='<b>Fast</b> & friendly recruitment <script>alert("x")</script> for '
           "warehouses.",
           services="HR & Recruitment. Temporary staffing."),
]

HIDDEN = [
    vendor(21, "shadow-payroll", "Shadow Payroll Co", cats=("payroll",), country="PH",
           city="Manila", rate=(100, 200), rating=500, reviews=99, team=10,
           description="A draft profile about payroll and bookkeeping.", status="draft"),
    vendor(22, "suspended-staffing", "Suspended Staffing", cats=("hr-recruitment",),
           country="IN", city="Mumbai", rating=490, reviews=80,
           description="Recruitment that was suspended by moderators.", status="suspended"),
]

CORPUS = PUBLISHED + HIDDEN
PUBLISHED_IDS = frozenset(d.id for d in PUBLISHED)
BY_SLUG = {d.slug: d for d in CORPUS}


def renamed(doc: VendorDocument, name: str) -> VendorDocument:
    """The same vendor with a new name (what an edit in the directory produces)."""
    return replace(doc, name=name)
