package directory

import "sync"

// defaultCategories is what Success Plans connect students to: basic needs,
// health, education, enrichment, work and family support. Synonyms carry the
// words families and Navigators use, in English and Spanish.
var defaultCategories = []Category{
	{Code: "basic", Label: "Basic needs", Synonyms: []string{"necesidades básicas"}},
	{Code: "basic.food", Label: "Food", Synonyms: []string{"hunger", "comida", "alimentos"}},
	{Code: "basic.food.pantry", Label: "Food pantry", Synonyms: []string{"pantry", "food bank", "food box", "free food", "despensa", "banco de comida", "banco de alimentos", "comida gratis"}},
	{Code: "basic.food.meals", Label: "Free meals", Synonyms: []string{"soup kitchen", "hot meal", "free lunch", "community meal", "comedor", "comidas", "almuerzo gratis"}},
	{Code: "basic.food.groceries", Label: "Groceries", Synonyms: []string{"grocery store", "supermarket", "market", "fresh food", "produce", "SNAP", "EBT", "WIC", "supermercado", "mercado"}},
	{Code: "basic.housing", Label: "Housing and shelter", Synonyms: []string{"homeless", "housing help", "vivienda", "casa"}},
	{Code: "basic.housing.shelter", Label: "Emergency shelter", Synonyms: []string{"shelter", "homeless shelter", "place to sleep", "refugio", "albergue"}},
	{Code: "basic.housing.rent", Label: "Rent and housing assistance", Synonyms: []string{"rent help", "eviction", "rental assistance", "deposit", "ayuda con la renta", "desalojo", "alquiler"}},
	{Code: "basic.utilities", Label: "Utility assistance", Synonyms: []string{"electric bill", "power bill", "water bill", "gas bill", "shut off", "disconnection", "LIHEAP", "luz", "agua", "servicios públicos"}},
	{Code: "basic.clothing", Label: "Clothing and school uniforms", Synonyms: []string{"clothes", "winter coat", "coat", "shoes", "uniform", "school uniform", "ropa", "abrigo", "zapatos", "uniformes"}},
	{Code: "basic.supplies", Label: "School supplies", Synonyms: []string{"backpack", "school supplies", "útiles escolares", "mochila"}},
	{Code: "basic.transportation", Label: "Transportation", Synonyms: []string{"bus pass", "ride", "rides", "transport", "car repair", "transporte", "pase de autobús"}},
	{Code: "health", Label: "Health", Synonyms: []string{"salud"}},
	{Code: "health.primary", Label: "Primary care", Synonyms: []string{"doctor", "clinic", "checkup", "physical", "sports physical", "vaccines", "immunizations", "pediatrician", "médico", "clínica", "vacunas"}},
	{Code: "health.dental", Label: "Dental care", Synonyms: []string{"dentist", "teeth", "toothache", "cleaning", "dentista", "dientes"}},
	{Code: "health.vision", Label: "Vision care and eye glasses", Synonyms: []string{"eye glasses", "eyeglasses", "glasses", "eye exam", "optometrist", "eye doctor", "vision screening", "can't see the board", "lentes", "anteojos", "gafas", "examen de la vista"}},
	{Code: "health.mental", Label: "Mental health", Synonyms: []string{"counseling", "counselor", "therapy", "therapist", "stress", "anxiety", "depression", "grief", "crisis", "salud mental", "consejería", "terapia", "ansiedad"}},
	{Code: "health.substance", Label: "Substance use treatment", Synonyms: []string{"addiction", "recovery", "drugs", "alcohol", "vaping", "adicción"}},
	{Code: "education", Label: "Education", Synonyms: []string{"educación", "school"}},
	{Code: "education.tutoring", Label: "Tutoring", Synonyms: []string{"tutor", "homework help", "reading help", "math help", "literacy", "tutoría", "tutoria", "ayuda con la tarea"}},
	{Code: "education.mentoring", Label: "Mentoring", Synonyms: []string{"mentor", "big brother", "big sister", "role model", "mentoría"}},
	{Code: "education.afterschool", Label: "After-school programs", Synonyms: []string{"after school", "afterschool", "youth center", "boys and girls club", "programa después de la escuela"}},
	{Code: "education.early", Label: "Early childhood", Synonyms: []string{"pre-k", "preschool", "daycare", "child care", "head start", "guardería", "preescolar"}},
	{Code: "education.college", Label: "College and career readiness", Synonyms: []string{"college", "FAFSA", "scholarship", "college application", "career", "universidad", "beca"}},
	{Code: "enrichment", Label: "Enrichment", Synonyms: []string{"activities", "actividades"}},
	{Code: "enrichment.sports", Label: "Sports", Synonyms: []string{"soccer", "basketball", "football", "baseball", "swimming", "track", "athletics", "fútbol", "deportes", "baloncesto"}},
	{Code: "enrichment.arts", Label: "Arts", Synonyms: []string{"art", "painting", "drawing", "theater", "dance", "photography", "arte", "baile", "teatro"}},
	{Code: "enrichment.music", Label: "Music", Synonyms: []string{"band", "choir", "piano", "guitar", "singing", "lessons", "música", "coro"}},
	{Code: "enrichment.stem", Label: "STEM", Synonyms: []string{"science", "coding", "robotics", "computers", "engineering", "math club", "ciencia", "programación", "robótica"}},
	{Code: "enrichment.summer", Label: "Summer programs", Synonyms: []string{"summer camp", "camp", "summer program", "campamento", "verano"}},
	{Code: "work", Label: "Work", Synonyms: []string{"trabajo"}},
	{Code: "work.jobs", Label: "Jobs", Synonyms: []string{"job", "summer job", "employment", "part-time job", "work permit", "empleo", "trabajo de verano"}},
	{Code: "work.internships", Label: "Internships", Synonyms: []string{"internship", "apprenticeship", "job shadowing", "pasantía", "prácticas"}},
	{Code: "family", Label: "Family support", Synonyms: []string{"family", "familia"}},
	{Code: "family.legal", Label: "Legal aid", Synonyms: []string{"lawyer", "legal help", "immigration", "custody", "abogado", "ayuda legal", "inmigración"}},
	{Code: "family.parenting", Label: "Parenting support", Synonyms: []string{"parenting class", "parent support", "new parents", "crianza", "padres"}},
	{Code: "family.benefits", Label: "Benefits enrollment", Synonyms: []string{"SNAP application", "food stamps", "Medicaid", "TennCare", "WIC enrollment", "benefits", "cupones de alimentos", "beneficios"}},
	{Code: Uncategorised, Label: "Other services", Synonyms: []string{"uncategorised", "uncategorized", "miscellaneous", "otros servicios"}},
}

// Uncategorised is the category of the default taxonomy for providers an
// importer could not place in any other: a service whose source taxonomy
// terms map to nothing wraparound knows (see package directory/hsds). It
// is a root with no children, so a query for any other category never
// returns these providers; they are found by text (their source terms
// are kept as keywords) or by asking for "other" itself.
const Uncategorised = "other"

var (
	defaultTaxonomyOnce sync.Once
	defaultTaxonomy     *Taxonomy
)

// DefaultTaxonomy returns the taxonomy wraparound ships: categories for
// what Success Plans connect students to — basic needs (food, housing,
// utilities, clothing, school supplies, transportation), health (primary,
// dental, vision, mental health, substance use), education (tutoring,
// mentoring, after-school, early childhood, college and career), enrichment
// (sports, arts, music, STEM, summer programs), work (jobs, internships) and
// family support (legal aid, parenting, benefits enrollment), and
// Uncategorised ("other") for imported services that fit none of these.
// The result is shared and immutable.
func DefaultTaxonomy() *Taxonomy {
	defaultTaxonomyOnce.Do(func() {
		t, err := NewTaxonomy(defaultCategories)
		if err != nil {
			panic("directory: default taxonomy is invalid: " + err.Error())
		}
		defaultTaxonomy = t
	})
	return defaultTaxonomy
}
