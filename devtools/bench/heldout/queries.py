"""The graded queries of the held-out search set, as the attributes a relevant posting has
(see ``Spec``); the grades themselves are computed from the postings' attributes."""

from __future__ import annotations

from devtools.bench.heldout.model import Spec

RN = ("icu_nurse", "medsurg_nurse", "er_nurse")
SOFTWARE = (
    "backend",
    "frontend",
    "fullstack",
    "ios",
    "android",
    "devops_sre",
    "qa",
    "security",
    "embedded",
    "data_engineer",
    "ml_engineer",
)
DATA = ("data_engineer", "data_scientist", "analytics_engineer", "ml_engineer", "data_analyst")


def _role(id: str, q: str, best: tuple[str, ...], near: tuple[str, ...] = ()) -> Spec:
    return Spec(f"role-{id}", q, "role", best=best, near=near)


def _para(id: str, q: str, best: tuple[str, ...], near: tuple[str, ...] = ()) -> Spec:
    return Spec(f"para-{id}", q, "paraphrase", best=best, near=near)


ROLE = (
    _role("icu-nurse", "ICU nurse", ("icu_nurse",)),
    _role("medsurg-nurse", "med surg nurse", ("medsurg_nurse",)),
    _role("er-nurse", "emergency room nurse", ("er_nurse",)),
    _role("registered-nurse", "registered nurse", RN),
    _role("vet-tech", "veterinary technician", ("vet_tech",)),
    _role("veterinarian", "veterinarian", ("veterinarian",)),
    _role("hvac-tech", "HVAC technician", ("hvac_tech",)),
    _role("plumber", "plumber", ("plumber",)),
    _role("electrician", "electrician", ("electrician",)),
    _role("electrical-engineer", "electrical engineer", ("electrical_engineer",)),
    _role("backend", "backend engineer", ("backend",), ("fullstack",)),
    _role("frontend", "frontend developer", ("frontend",), ("fullstack",)),
    _role("data-engineer", "data engineer", ("data_engineer",), ("analytics_engineer",)),
    _role("data-scientist", "data scientist", ("data_scientist",), ("ml_engineer",)),
    _role("ml-engineer", "machine learning engineer", ("ml_engineer",), ("data_scientist",)),
    _role("data-analyst", "data analyst", ("data_analyst",), ("analytics_engineer",)),
    _role("payroll", "payroll specialist", ("payroll",)),
    _role("accounts-payable", "accounts payable clerk", ("accounts_payable",)),
    _role("accounts-receivable", "accounts receivable", ("accounts_receivable",)),
    _role("product-manager", "product manager", ("product_manager",)),
    _role("construction-pm", "construction project manager", ("construction_pm",)),
    _role("sre", "site reliability engineer", ("devops_sre",)),
    _role("pharmacy-tech", "pharmacy technician", ("pharmacy_tech",)),
    _role("auto-tech", "automotive technician", ("auto_tech",)),
    _role("maintenance-tech", "maintenance technician", ("maintenance_tech",)),
    _role("it-support", "IT help desk", ("it_support",)),
    _role("mechanical-engineer", "mechanical engineer", ("mechanical_engineer",)),
    _role("truck-driver", "CDL truck driver", ("truck_driver",), ("delivery_driver",)),
    _role("warehouse", "warehouse associate", ("warehouse_associate",)),
    _role("recruiter", "recruiter", ("recruiter",), ("hr_generalist",)),
    _role("ios", "iOS developer", ("ios",)),
    _role("qa", "QA automation engineer", ("qa",)),
    _role("civil-engineer", "civil engineer", ("civil_engineer",)),
    _role("dental-hygienist", "dental hygienist", ("dental_hygienist",)),
    _role("line-cook", "line cook", ("line_cook",)),
    _role("financial-analyst", "financial analyst", ("financial_analyst",)),
    _role("security", "security engineer", ("security",)),
    _role("eng-manager", "engineering manager", ("eng_manager",)),
)

PARAPHRASE = (
    _para("aircon", "person who fixes air conditioners", ("hvac_tech",)),
    _para(
        "sick-pets",
        "someone to help care for sick pets at an animal hospital",
        ("vet_tech",),
        ("veterinarian",),
    ),
    _para("ventilators", "nurse for critically ill patients on ventilators", ("icu_nurse",)),
    _para("pipes", "fix leaking pipes and unclog drains", ("plumber",)),
    _para("wiring", "wire new homes and install breaker panels", ("electrician",)),
    _para(
        "pipelines",
        "build pipelines that move data into the warehouse",
        ("data_engineer",),
        ("analytics_engineer",),
    ),
    _para(
        "churn",
        "predict which customers will cancel using statistics",
        ("data_scientist",),
        ("ml_engineer",),
    ),
    _para("paid", "make sure employees get paid correctly every pay period", ("payroll",)),
    _para("invoices", "pay supplier invoices and match purchase orders", ("accounts_payable",)),
    _para("server-side", "write the server side of web applications", ("backend",), ("fullstack",)),
    _para("ui", "build user interfaces for websites", ("frontend",), ("fullstack",)),
    _para("pager", "keep production systems up and carry a pager", ("devops_sre",)),
    _para("laptops", "help coworkers with laptop and password problems", ("it_support",)),
    _para("big-rig", "drive a big rig across the country", ("truck_driver",)),
    _para("teeth", "clean teeth at a dental office", ("dental_hygienist",)),
    _para("algebra", "teach teenagers algebra", ("teacher_math",)),
    _para("books", "keep the books for a small business", ("bookkeeper",), ("accountant",)),
    _para("cars", "fix cars at a dealership", ("auto_tech",)),
    _para("bridges", "design bridges and roads", ("civil_engineer",)),
    _para("hire-engineers", "find and hire software engineers", ("recruiter",)),
    _para("kitchen", "cook food in a busy restaurant kitchen", ("line_cook",)),
    _para("calls", "answer customer phone calls and emails", ("customer_service",)),
    _para(
        "blood",
        "draw blood samples from patients",
        ("phlebotomist",),
        ("lab_tech", "medical_assistant"),
    ),
    _para(
        "prescriptions", "fill prescriptions at a drugstore", ("pharmacy_tech",), ("pharmacist",)
    ),
)

SKILL = (
    Spec(
        "skill-k8s-terraform", "Kubernetes Terraform", "skill", skills=("kubernetes", "terraform")
    ),
    Spec("skill-react-ts", "React TypeScript", "skill", skills=("react", "typescript")),
    Spec("skill-spark-airflow", "Spark Airflow", "skill", skills=("spark", "airflow")),
    Spec("skill-pytorch", "PyTorch", "skill", skills=("pytorch",)),
    Spec("skill-epic", "Epic EHR", "skill", skills=("epic ehr",)),
    Spec("skill-epa608", "EPA 608 certification", "skill", skills=("epa 608 certification",)),
    Spec(
        "skill-cdl-hazmat",
        "CDL Class A hazmat",
        "skill",
        skills=("cdl class a", "hazmat endorsement"),
    ),
    Spec("skill-forklift", "forklift certification", "skill", skills=("forklift certification",)),
    Spec("skill-adp", "ADP Workforce Now", "skill", skills=("adp workforce now",)),
    Spec("skill-netsuite", "NetSuite", "skill", skills=("netsuite",)),
    Spec("skill-solidworks", "SolidWorks", "skill", skills=("solidworks",)),
    Spec("skill-go-grpc", "Golang gRPC", "skill", skills=("go", "grpc")),
    Spec("skill-tableau-sql", "Tableau SQL", "skill", skills=("tableau", "sql")),
    Spec("skill-acls", "ACLS certified", "skill", skills=("acls",)),
    Spec("skill-salesforce", "Salesforce", "skill", skills=("salesforce",)),
    Spec("skill-powerbi", "Power BI", "skill", skills=("power bi",)),
    Spec("skill-plc", "PLC troubleshooting", "skill", skills=("plc troubleshooting",)),
    Spec(
        "skill-python-backend",
        "python backend engineer",
        "skill",
        best=("backend",),
        near=("fullstack",),
        skills=("python",),
    ),
    Spec(
        "skill-kafka-data",
        "data engineer kafka",
        "skill",
        best=("data_engineer",),
        skills=("kafka",),
    ),
)

SENIORITY = (
    Spec(
        "level-senior-backend",
        "senior backend engineer",
        "seniority",
        best=("backend",),
        near=("fullstack",),
        levels=("senior",),
        near_levels=("mid", "lead"),
    ),
    Spec(
        "level-junior-analyst",
        "junior data analyst",
        "seniority",
        best=("data_analyst",),
        levels=("junior",),
        near_levels=("intern",),
    ),
    Spec(
        "level-entry-accountant",
        "entry level accountant",
        "seniority",
        best=("accountant",),
        near=("bookkeeper",),
        levels=("junior",),
        near_levels=("intern", "mid"),
    ),
    Spec(
        "level-staff-swe",
        "staff software engineer",
        "seniority",
        best=SOFTWARE,
        levels=("lead",),
        near_levels=("senior",),
    ),
    Spec(
        "level-swe-intern",
        "software engineering internship",
        "seniority",
        best=SOFTWARE,
        near=("data_scientist", "data_analyst"),
        levels=("intern",),
    ),
    Spec("level-nurse-manager", "nurse manager", "seniority", best=RN, levels=("manager",)),
    Spec(
        "level-lead-hvac",
        "lead HVAC technician",
        "seniority",
        best=("hvac_tech",),
        levels=("lead",),
        near_levels=("senior",),
    ),
    Spec(
        "level-apprentice-electrician",
        "apprentice electrician",
        "seniority",
        best=("electrician",),
        levels=("junior",),
    ),
    Spec(
        "level-head-of-data",
        "head of data",
        "seniority",
        best=DATA,
        levels=("manager",),
    ),
    Spec(
        "level-senior-ds",
        "senior data scientist",
        "seniority",
        best=("data_scientist",),
        near=("ml_engineer",),
        levels=("senior",),
        near_levels=("mid", "lead"),
    ),
    Spec(
        "level-payroll-manager",
        "payroll manager",
        "seniority",
        best=("payroll",),
        levels=("manager",),
        near_levels=("senior",),
    ),
    Spec(
        "level-apm",
        "associate product manager",
        "seniority",
        best=("product_manager",),
        levels=("junior",),
    ),
    Spec(
        "level-new-grad-rn",
        "new grad registered nurse",
        "seniority",
        best=RN,
        levels=("junior",),
    ),
)

PLACE = (
    Spec("place-icu-denver", "ICU nurse Denver", "place", best=("icu_nurse",), place="denver"),
    Spec(
        "place-nursing-texas",
        "nursing jobs in Texas",
        "place",
        best=RN,
        near=("cna",),
        place="region:US-TX",
    ),
    Spec(
        "place-backend-berlin",
        "backend engineer Berlin",
        "place",
        best=("backend",),
        place="berlin",
    ),
    Spec(
        "place-de-munich", "data engineer Munich", "place", best=("data_engineer",), place="munich"
    ),
    Spec(
        "place-hvac-phoenix",
        "HVAC technician Phoenix AZ",
        "place",
        best=("hvac_tech",),
        place="phoenix",
    ),
    Spec(
        "place-electrician-houston",
        "electrician Houston",
        "place",
        best=("electrician",),
        place="houston",
    ),
    Spec("place-swe-london", "software engineer London", "place", best=SOFTWARE, place="london"),
    Spec(
        "place-truck-ohio",
        "truck driver jobs Ohio",
        "place",
        best=("truck_driver",),
        place="region:US-OH",
    ),
    Spec(
        "place-remote-ds", "remote data scientist", "place", best=("data_scientist",), remote=True
    ),
    Spec(
        "place-remote-support",
        "remote customer service",
        "place",
        best=("customer_service",),
        remote=True,
    ),
    Spec(
        "place-ap-chicago",
        "accounts payable Chicago",
        "place",
        best=("accounts_payable",),
        place="chicago",
    ),
    Spec("place-vettech-seattle", "vet tech Seattle", "place", best=("vet_tech",), place="seattle"),
    Spec("place-frontend-nyc", "frontend developer NYC", "place", best=("frontend",), place="nyc"),
    Spec(
        "place-warehouse-atlanta",
        "warehouse jobs Atlanta",
        "place",
        best=("warehouse_associate",),
        near=("warehouse_manager",),
        place="atlanta",
    ),
    Spec(
        "place-analyst-toronto",
        "data analyst Toronto",
        "place",
        best=("data_analyst",),
        place="toronto",
    ),
    Spec(
        "place-barista-portland",
        "part-time barista Portland",
        "place",
        best=("barista",),
        place="portland",
        etype="part_time",
    ),
)


def _native(id: str, q: str, lang: str, best: tuple[str, ...], place: str = "") -> Spec:
    return Spec(f"{lang}-{id}", q, "native", lang=lang, best=best, place=place)


def _cross(id: str, q: str, lang: str, best: tuple[str, ...]) -> Spec:
    return Spec(f"{lang}-x-{id}", q, "crosslingual", lang=lang, best=best)


MULTILINGUAL = (
    _native("icu", "Pflegefachkraft Intensivstation", "de", ("icu_nurse",)),
    _native("medsurg", "Krankenpfleger Normalstation Innere Medizin", "de", ("medsurg_nurse",)),
    Spec("de-backend", "Backend Entwickler Java", "native", "de", ("backend",), skills=("java",)),
    _native("payroll", "Lohnbuchhalter", "de", ("payroll",)),
    _native("ap", "Kreditorenbuchhaltung", "de", ("accounts_payable",)),
    _native("electrician-munich", "Elektriker München", "de", ("electrician",), "munich"),
    _native("hvac", "Kältetechniker Klimaanlagen Wartung", "de", ("hvac_tech",)),
    _native("vettech", "Tiermedizinische Fachangestellte", "de", ("vet_tech",)),
    _native(
        "warehouse-hamburg", "Lagerarbeiter Hamburg", "de", ("warehouse_associate",), "hamburg"
    ),
    _native("truck", "LKW Fahrer CE", "de", ("truck_driver",)),
    _cross("pharmacist", "Apotheker", "de", ("pharmacist",)),
    _cross("mecheng", "Maschinenbauingenieur", "de", ("mechanical_engineer",)),
    _cross("hr", "Personalreferent", "de", ("hr_generalist",)),
    _cross("plumber", "Sanitärinstallateur", "de", ("plumber",)),
    _native("icu", "enfermera UCI", "es", ("icu_nurse",)),
    _native("medsurg", "enfermero planta hospitalización", "es", ("medsurg_nurse",)),
    _native("backend-madrid", "desarrollador backend Madrid", "es", ("backend",), "madrid"),
    _native("hvac", "técnico de aire acondicionado", "es", ("hvac_tech",)),
    _native("payroll", "técnico de nóminas", "es", ("payroll",)),
    _native("ap", "cuentas por pagar proveedores", "es", ("accounts_payable",)),
    _native("ds", "científico de datos", "es", ("data_scientist",)),
    _native("vettech", "auxiliar veterinario", "es", ("vet_tech",)),
    _native("warehouse-madrid", "mozo de almacén Madrid", "es", ("warehouse_associate",), "madrid"),
    _native("cook", "cocinero", "es", ("line_cook",)),
    _cross("plumber", "fontanero", "es", ("plumber",)),
    _cross("pharmacist", "farmacéutico", "es", ("pharmacist",)),
    _cross("civil", "ingeniero civil", "es", ("civil_engineer",)),
    _cross("hygienist", "higienista dental", "es", ("dental_hygienist",)),
    _cross("ml", "ingeniero de aprendizaje automático", "es", ("ml_engineer",)),
)


def _ident(id: str, q: str, ident: str) -> Spec:
    return Spec(f"id-{id}", q, "identifier", ident=ident)


IDENTIFIER = (
    _ident("req-0815", "REQ-2024-0815", "code:REQ-2024-0815"),
    _ident("jr-118734", "JR-118734", "code:JR-118734"),
    _ident("r0045127", "R0045127", "code:R0045127"),
    _ident("req-1142", "REQ-2023-1142", "code:REQ-2023-1142"),
    _ident("jr-120057", "JR-120057", "code:JR-120057"),
    _ident("req-0815-phrase", "requisition REQ-2024-0815", "code:REQ-2024-0815"),
    _ident("ledgerline", "Ledgerline", "product:Ledgerline"),
    _ident("quillmap", "Quillmap", "product:Quillmap"),
    _ident("burrowbot", "Burrowbot", "product:Burrowbot"),
    _ident("tidewell", "Tidewell", "product:Tidewell"),
    _ident("heliosync", "HelioSync", "product:HelioSync"),
    _ident("kursbuch", "Kursbuch", "product:Kursbuch"),
    _ident("fernwood", "Fernwood", "product:Fernwood"),
    _ident("okonkwo", "Okonkwo & Hale", "company:okonkwo"),
    _ident("zephyrine", "Zephyrine Animal Hospital", "company:zephyrine"),
    _ident("brannigan", "Brannigan Mechanical", "company:brannigan"),
    _ident("vasquez", "Vasquez-Lindqvist", "company:vasquez"),
    _ident("pfefferkorn", "Pfefferkorn Logistik", "company:pfefferkorn"),
)

SPECS: tuple[Spec, ...] = ROLE + PARAPHRASE + SKILL + SENIORITY + PLACE + MULTILINGUAL + IDENTIFIER
