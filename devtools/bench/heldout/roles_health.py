"""English role texts: healthcare, animal care and dental."""

from __future__ import annotations

from functools import partial

from devtools.bench.heldout.model import role

_en = partial(role, "en")


ROLES = (
    _en(
        "icu_nurse",
        ("hospital",),
        titles={
            "junior": ("New Graduate RN Residency - Critical Care",),
            "mid": (
                "Registered Nurse - ICU",
                "Critical Care RN - Medical ICU",
                "RN Intensive Care Unit (Nights)",
                "Registered Nurse, Cardiovascular ICU",
            ),
            "senior": ("Charge Nurse - Surgical ICU", "Senior Critical Care Nurse - CVICU"),
            "manager": ("Nurse Manager - Medical Intensive Care Unit",),
        },
        summary=(
            "Our intensive care unit cares for critically ill adults after major surgery, "
            "trauma, sepsis and respiratory failure.",
            "Join a 24-bed critical care unit with a 1:2 nurse-to-patient ratio and "
            "intensivist coverage around the clock.",
        ),
        duties=(
            "Assess, monitor and care for critically ill patients on mechanical ventilation",
            "Titrate vasoactive and sedation drips according to protocol",
            "Manage arterial lines, central lines and {hemodynamic monitoring}",
            "Respond to rapid response and code blue events with the critical care team",
            "Support families through difficult conversations and end-of-life care",
            "Document care in {Epic EHR} and take part in interdisciplinary rounds",
        ),
        needs=(
            "Active RN license in the state or a compact license",
            "Current BLS and ACLS certification",
            "CCRN certification preferred",
        ),
        skills=(
            "ACLS",
            "BLS",
            "CCRN",
            "ventilator management",
            "Epic EHR",
            "CRRT",
            "hemodynamic monitoring",
        ),
        pay=("hour", 52.0),
        slots="mid denver o code=REQ-2024-0815; mid denver o; senior houston o; mid dallas o;"
        " junior austin o; mid chicago o; mid boston o pt; senior seattle o;"
        " manager nashville o; mid phoenix o tmp",
    ),
    _en(
        "medsurg_nurse",
        ("hospital",),
        titles={
            "junior": ("New Grad RN - Medical/Surgical",),
            "mid": (
                "Registered Nurse - Medical/Surgical",
                "Med-Surg RN - 5 West",
                "Staff Nurse, Med Surg Telemetry",
                "RN Medical-Surgical Float Pool",
            ),
            "senior": ("Charge Nurse - Medical Surgical Unit",),
            "manager": ("Nurse Manager - Med/Surg Unit",),
        },
        summary=(
            "Our 32-bed medical-surgical unit cares for adults recovering from surgery and "
            "managing chronic illness.",
            "The med-surg floor is the heart of the hospital: varied patients, a supportive "
            "team and strong preceptors.",
        ),
        duties=(
            "Provide direct care to a group of five to six adult patients per shift",
            "Administer medications and IV therapy and monitor for side effects",
            "Perform {wound care} and post-operative assessments",
            "Educate patients and families on discharge instructions",
            "Monitor {telemetry} and escalate changes to the provider",
            "Chart assessments and care plans in {Epic EHR}",
        ),
        needs=(
            "Current RN license in good standing",
            "BLS certification from the American Heart Association",
            "Strong time-management and communication skills",
        ),
        skills=("BLS", "Epic EHR", "telemetry", "wound care", "medication administration"),
        pay=("hour", 44.0),
        slots="mid denver o code=REQ-2024-0816; mid austin o; mid houston o; junior sanantonio o; mid atlanta o;"
        " senior minneapolis o; mid cleveland o pt; manager charlotte o",
    ),
    _en(
        "er_nurse",
        ("hospital",),
        titles={
            "mid": (
                "Emergency Department RN",
                "Registered Nurse - Emergency Room",
                "ER Nurse - Level I Trauma Center",
            ),
            "senior": ("Senior Emergency Nurse - Trauma",),
        },
        summary=(
            "Our emergency department sees 80,000 visits a year, from minor injuries to major "
            "trauma and strokes.",
            "Work in a fast-paced emergency department with a dedicated pediatric area and "
            "a helicopter pad.",
        ),
        duties=(
            "Triage arriving patients using the Emergency Severity Index",
            "Stabilize trauma, cardiac and stroke patients alongside physicians",
            "Start IVs, draw labs and give emergency medications",
            "Coordinate admissions and transfers with inpatient units",
            "Keep accurate records in {Epic EHR}",
        ),
        needs=(
            "Active RN license",
            "BLS, {ACLS} and {PALS} certification",
            "{TNCC} within six months of hire",
        ),
        skills=("ACLS", "PALS", "TNCC", "triage", "Epic EHR"),
        pay=("hour", 50.0),
        slots="mid dallas o code=REQ-2024-0851; mid miami o; senior la o; mid pittsburgh o",
    ),
    _en(
        "cna",
        ("hospital", "senior"),
        titles={
            "junior": (
                "Certified Nursing Assistant (CNA)",
                "Nursing Assistant - Long-Term Care",
                "Patient Care Technician",
            ),
            "mid": ("Certified Nursing Assistant - Memory Care",),
        },
        summary=(
            "Help residents live with dignity and independence in our assisted-living and "
            "memory-care community.",
            "Patient care technicians support nurses and keep patients safe and comfortable.",
        ),
        duties=(
            "Help residents with bathing, dressing, meals and moving safely",
            "Take and record vital signs",
            "Report changes in condition to the charge nurse",
            "Keep rooms clean, safe and stocked",
        ),
        needs=(
            "State CNA certification",
            "CPR certification",
            "Compassion and patience with older adults",
        ),
        skills=("CNA certification", "vital signs", "CPR", "patient transfers"),
        pay=("hour", 19.0),
        slots="junior houston o; junior columbus o pt; mid phoenix o; junior raleigh o",
    ),
    _en(
        "pharmacy_tech",
        ("hospital", "retail"),
        titles={
            "junior": ("Pharmacy Technician Trainee",),
            "mid": (
                "Pharmacy Technician",
                "Certified Pharmacy Technician",
            ),
        },
        summary=(
            "Pharmacy technicians keep prescriptions accurate and moving so pharmacists can "
            "focus on patients.",
            "Join a pharmacy team that fills 900 prescriptions on a busy day.",
        ),
        duties=(
            "Count, measure and label prescriptions under a pharmacist's supervision",
            "Enter prescriptions and process insurance claims",
            "Prepare compounded medications following {sterile compounding} rules",
            "Manage inventory and order stock",
            "Answer patient questions at the counter and by phone",
        ),
        needs=("Pharmacy technician license or registration", "{PTCB} certification preferred"),
        skills=("PTCB", "sterile compounding", "inventory management", "insurance billing"),
        pay=("hour", 20.0),
        slots="mid austin o; mid chicago o; junior atlanta o pt; mid seattle o",
    ),
    _en(
        "pharmacist",
        ("hospital", "retail"),
        titles={
            "mid": ("Staff Pharmacist", "Pharmacist"),
            "manager": ("Pharmacist in Charge",),
        },
        summary=(
            "Our pharmacists verify orders, counsel patients and work with physicians to get "
            "therapy right.",
        ),
        duties=(
            "Verify prescriptions and medication orders for accuracy and safety",
            "Counsel patients on new medications and side effects",
            "Give immunizations",
            "Review drug interactions and recommend dose adjustments",
            "Supervise pharmacy technicians",
        ),
        needs=("PharmD degree", "Active pharmacist license in the state"),
        skills=("PharmD", "immunizations", "medication therapy management"),
        pay=("year", 135000.0),
        slots="mid denver o; mid boston o; manager nashville o",
    ),
    _en(
        "lab_tech",
        ("hospital",),
        titles={
            "mid": ("Medical Laboratory Technician", "Clinical Laboratory Scientist"),
            "senior": ("Lead Medical Technologist - Microbiology",),
        },
        summary=(
            "Our hospital laboratory runs 2 million tests a year for inpatients and clinics.",
        ),
        duties=(
            "Run chemistry, hematology and urinalysis tests on automated analyzers",
            "Perform quality control and calibrate instruments",
            "Report critical results to nurses and physicians",
            "Maintain records under CLIA and CAP requirements",
        ),
        needs=("Associate or bachelor's degree in clinical laboratory science",),
        skills=("ASCP certification", "hematology", "microbiology", "quality control"),
        pay=("hour", 34.0),
        slots="mid columbus o; mid sandiego o; senior boston o",
    ),
    _en(
        "phlebotomist",
        ("clinic", "hospital"),
        titles={"junior": ("Phlebotomist", "Phlebotomy Technician - Outpatient Lab")},
        summary=("Be the friendly, steady hand patients remember at our outpatient labs.",),
        duties=(
            "Collect blood specimens by venipuncture and finger stick",
            "Label, process and ship specimens",
            "Verify patient identity and orders",
            "Keep the draw station clean and stocked",
        ),
        needs=("Phlebotomy certification", "Good customer service skills"),
        skills=("venipuncture", "phlebotomy certification", "specimen processing"),
        pay=("hour", 21.0),
        slots="junior kc o; junior portland o pt",
    ),
    _en(
        "medical_assistant",
        ("clinic",),
        titles={
            "junior": ("Medical Assistant - Family Medicine",),
            "mid": ("Certified Medical Assistant (CMA)", "Medical Assistant - Dermatology"),
        },
        summary=("Medical assistants keep our primary-care clinics running smoothly.",),
        duties=(
            "Room patients, take vital signs and update histories",
            "Give injections and vaccines under provider orders",
            "Schedule appointments and referrals",
            "Document visits in {Epic EHR}",
        ),
        needs=("Medical assistant certificate (CMA or RMA)", "BLS certification"),
        skills=("vital signs", "Epic EHR", "injections", "scheduling"),
        pay=("hour", 21.0),
        slots="junior denver o; mid minneapolis o; mid miami o",
    ),
    _en(
        "physical_therapist",
        ("rehab", "hospital"),
        titles={
            "mid": ("Physical Therapist - Outpatient Orthopedics", "Outpatient Physical Therapist"),
            "lead": ("Lead Physical Therapist - Sports Medicine",),
        },
        summary=("Help patients get back to work, sport and daily life after injury.",),
        duties=(
            "Evaluate patients and design treatment plans",
            "Deliver manual therapy and therapeutic exercise",
            "Track outcomes and adjust plans of care",
            "Supervise physical therapist assistants",
        ),
        needs=("Doctor of Physical Therapy degree", "State physical therapy license"),
        skills=("manual therapy", "orthopedics", "sports rehabilitation"),
        pay=("year", 95000.0),
        slots="mid raleigh o; mid sandiego o ct title=Travel_Physical_Therapist; lead denver o",
    ),
    _en(
        "vet_tech",
        ("vet",),
        titles={
            "junior": ("Veterinary Assistant", "Kennel and Veterinary Assistant"),
            "mid": (
                "Veterinary Technician",
                "Credentialed Veterinary Technician (LVT/CVT)",
                "Emergency Veterinary Technician - Overnight",
                "Veterinary Technician - Surgery",
            ),
            "lead": ("Lead Veterinary Technician",),
        },
        summary=(
            "Our veterinary technicians are the backbone of patient care for dogs, cats and "
            "the occasional rabbit.",
            "Work alongside our veterinarians in a busy small-animal hospital with a modern "
            "surgical suite.",
        ),
        duties=(
            "Monitor patients under anesthesia and recover them after surgery",
            "Take digital {radiography} and run in-house lab work",
            "Place IV catheters and perform {venipuncture}",
            "Assist with {dental prophylaxis} and extractions",
            "Restrain animals safely and comfort anxious pets",
            "Keep medical records in {Cornerstone}",
        ),
        needs=(
            "Graduate of an AVMA-accredited veterinary technology program",
            "State credential (LVT, CVT or RVT) or eligibility",
            "Calm and kind with animals and their owners",
        ),
        skills=(
            "anesthesia monitoring",
            "radiography",
            "venipuncture",
            "dental prophylaxis",
            "Cornerstone",
            "AVImark",
        ),
        pay=("hour", 23.0),
        slots="mid seattle o; mid seattle o pt; mid austin o; mid denver o; junior chicago o;"
        " lead portland o; mid atlanta o; mid phoenix o company=zephyrine",
    ),
    _en(
        "veterinarian",
        ("vet",),
        titles={
            "mid": ("Associate Veterinarian", "Emergency Veterinarian"),
            "manager": ("Medical Director - Small Animal Hospital",),
        },
        summary=(
            "Practice high-quality small-animal medicine with a supportive team and modern "
            "equipment.",
        ),
        duties=(
            "Examine, diagnose and treat dogs and cats",
            "Perform spays, neuters and soft-tissue surgery",
            "Communicate treatment plans and costs to pet owners",
            "Mentor veterinary technicians and new graduates",
        ),
        needs=("DVM or VMD degree", "State veterinary license"),
        skills=("small animal medicine", "soft tissue surgery", "ultrasound"),
        pay=("year", 140000.0),
        slots="mid seattle o; mid austin o; manager denver o",
    ),
    _en(
        "dental_hygienist",
        ("dental",),
        titles={"mid": ("Registered Dental Hygienist", "Dental Hygienist")},
        summary=("Join a friendly dental team that puts patient comfort first.",),
        duties=(
            "Perform prophylaxis, scaling and root planing",
            "Take and review dental X-rays",
            "Screen for periodontal disease and oral cancer",
            "Teach patients home-care habits",
        ),
        needs=("Registered dental hygienist license", "Local anesthesia permit preferred"),
        skills=("scaling and root planing", "dental radiography", "Dentrix", "local anesthesia"),
        pay=("hour", 45.0),
        slots="mid phoenix o; mid columbus o pt title=Dental_Hygienist_-_Part_Time; mid charlotte o",
    ),
)
