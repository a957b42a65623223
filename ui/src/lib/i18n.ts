/**
 * The French catalogue: every user-facing string of the station lives here, and only here.
 *
 * - `t(key, params)` looks a message up and fills `{name}` placeholders.
 * - `tn(key, n, params)` picks the singular or plural form (French rule: 0 and 1 are singular)
 *   and fills `{n}` with the number written the French way.
 * - `formatDate`, `formatTime`, `formatDateTime`, `formatDecimal`, `formatAge` write dates as
 *   24/11/2026, times as 10 h 42 and decimals with a comma (37,8).
 *
 * Tone: neutral for professionals, "vous" for patients. Typography: `…` (one character),
 * apostrophe `’`, non-breaking space before `: ? ! ;` is left to the font (plain space here
 * keeps the catalogue greppable).
 */

const messages = {
  "app.name": "Relais",
  "app.tagline": "Téléconsultation assistée",
  "app.loading": "Démarrage de Relais…",
  "app.version": "Version {version}",

  "common.loading": "Chargement…",
  "common.saving": "Enregistrement…",
  "common.sending": "Envoi…",
  "common.checking": "Vérification…",
  "common.signingIn": "Connexion…",
  "common.details": "Détails",
  "common.hideDetails": "Masquer les détails",
  "common.errorCode": "Code technique : {code}",
  "common.yes": "Oui",
  "common.no": "Non",
  "common.optional": "facultatif",
  "common.dateAtTime": "{date} à {time}",
  "common.notProvided": "Non renseigné",
  "common.retry": "Réessayer",
  "common.back": "Retour",
  "common.cancel": "Annuler",
  "common.formHasErrors": "Certains champs sont à corriger : voyez les messages en rouge sous les champs.",

  "error.unknown":
    "Une erreur inattendue est survenue. Réessayez ; si le problème continue, notez le code technique (bouton « Détails ») et contactez le support.",
  "error.sessionLocked": "La session est verrouillée : saisissez à nouveau votre mot de passe.",
  "error.notSignedIn": "Vous n’êtes plus connecté : reconnectez-vous.",
  "error.passwordMismatch": "Les deux mots de passe ne sont pas identiques.",
  "error.passwordTooShort": "Le mot de passe doit contenir au moins 10 caractères.",
  "error.required": "Ce champ est obligatoire.",
  "error.dateFormat": "Date incomplète ou impossible : tapez-la sous la forme JJ/MM/AAAA, par exemple 24/11/1950.",
  "error.weightFormat": "Poids non reconnu : tapez un nombre en kilos, par exemple 12,5.",

  "header.label": "En-tête de Relais",
  "header.home": "Accueil",
  "header.audit": "Journal d’audit",
  "header.lock": "Verrouiller",
  "header.signout": "Se déconnecter",
  "header.user": "{name}",
  "header.stateLabel": "État",

  "state.starting": "Démarrage…",
  "state.storageLocked": "Données protégées : phrase secrète demandée",
  "state.setup": "Premier démarrage",
  "state.signedOut": "Non connecté",
  "state.locked": "Session verrouillée",
  "state.today": "Prêt",
  "state.patientForm": "Saisie de l’identité du patient",
  "state.patient": "Dossier patient",
  "state.intake": "Accueil du patient : questions de sécurité",
  "state.accepted": "Téléconsultation possible",
  "state.waiting": "En attente du médecin…",
  "state.redirect": "Téléconsultation impossible : orienter le patient",
  "state.audit": "Journal d’audit",

  "unlock.title": "Ouvrir les données de Relais",
  "unlock.explain":
    "Cet ordinateur n’a pas de trousseau sécurisé. Les données des patients sont chiffrées avec une phrase secrète : saisissez-la pour continuer.",
  "unlock.passphrase": "Phrase secrète",
  "unlock.submit": "Ouvrir",

  "setup.title": "Premier démarrage de Relais",
  "setup.intro": "Décrivez le lieu de téléconsultation, puis créez le premier compte professionnel (il sera responsable du site).",
  "setup.siteSection": "Le lieu",
  "setup.siteKind": "Type de lieu",
  "setup.siteKindChoose": "Choisissez…",
  "setup.siteName": "Nom du lieu",
  "setup.siteNameHint": "Par exemple : Pharmacie du Centre",
  "setup.siteCommune": "Commune",
  "setup.siteAddress": "Adresse",
  "setup.userSection": "Le premier compte professionnel",
  "setup.username": "Identifiant de connexion",
  "setup.usernameHint": "Sans espace, par exemple : cdupont",
  "setup.displayName": "Nom affiché",
  "setup.displayNameHint": "Par exemple : Claire Dupont",
  "setup.profession": "Profession",
  "setup.professionHint": "Par exemple : pharmacienne, infirmier",
  "setup.rpps": "Numéro RPPS",
  "setup.rppsHint": "11 chiffres",
  "setup.password": "Mot de passe",
  "setup.passwordHint": "Au moins 10 caractères",
  "setup.passwordConfirm": "Confirmez le mot de passe",
  "setup.submit": "Créer le lieu et le compte",

  "site.kind.pharmacie": "Pharmacie",
  "site.kind.ehpad": "EHPAD",
  "site.kind.infirmier_domicile": "Infirmier à domicile",
  "site.kind.autre": "Autre",

  "signin.title": "Connexion",
  "signin.intro": "Connectez-vous avec votre compte professionnel.",
  "signin.username": "Identifiant",
  "signin.password": "Mot de passe",
  "signin.submit": "Se connecter",

  "locked.title": "Session verrouillée",
  "locked.explain":
    "Relais s’est verrouillé après un moment sans activité. Votre travail en cours est conservé : saisissez votre mot de passe pour reprendre.",
  "locked.user": "Compte : {name}",
  "locked.password": "Mot de passe",
  "locked.submit": "Déverrouiller",
  "locked.switchUser": "Changer d’utilisateur",

  "today.title": "Aujourd’hui",
  "today.newPatient": "Nouveau patient",
  "today.consultations": "Consultations du jour",
  "today.empty": "Aucune consultation aujourd’hui pour le moment.",
  "today.searchTitle": "Retrouver un patient",
  "today.searchLabel": "Nom, date de naissance (JJ/MM/AAAA) ou n° de sécurité sociale",
  "today.searchHint": "Flèche bas pour parcourir les résultats, Entrée pour ouvrir.",
  "today.recent": "Patients récents",
  "today.results": "Résultats",
  "today.noResult": "Aucun patient trouvé. Vérifiez l’orthographe ou créez un nouveau patient.",
  "today.searching": "Recherche…",
  "today.itemAt": "à {time}",
  "today.bornOn": "né(e) le {date}",

  "patientForm.titleNew": "Nouveau patient",
  "patientForm.titleEdit": "Modifier l’identité du patient",
  "patientForm.intro": "Recopiez l’identité depuis une pièce d’identité ou la carte Vitale. Les champs marqués « facultatif » peuvent rester vides.",
  "patientForm.identity": "Identité",
  "patientForm.contact": "Coordonnées",
  "patientForm.doctor": "Médecin traitant",
  "patientForm.coverage": "Prise en charge",
  "patientForm.familyName": "Nom de naissance",
  "patientForm.usedName": "Nom d’usage",
  "patientForm.givenNames": "Prénoms",
  "patientForm.givenNamesHint": "Tous les prénoms de l’état civil, dans l’ordre",
  "patientForm.sex": "Sexe",
  "patientForm.sexChoose": "Choisissez…",
  "patientForm.birthDate": "Date de naissance",
  "patientForm.birthDatePlaceholder": "JJ/MM/AAAA",
  "patientForm.birthDateHint": "JJ/MM/AAAA, par exemple 24/11/1950",
  "patientForm.birthPlaceCode": "Code du lieu de naissance (INSEE)",
  "patientForm.birthPlaceCodeHint": "5 caractères ; 99 suivi du code pays pour une naissance à l’étranger",
  "patientForm.nir": "N° de sécurité sociale (NIR)",
  "patientForm.nirHint": "15 caractères, clé comprise",
  "patientForm.nirKeyOk": "Clé de contrôle vérifiée ✓",
  "patientForm.nirNeedsIdentity": "La clé sera vérifiée une fois le sexe et la date de naissance renseignés.",
  "patientForm.nirIncomplete": "{n} caractères sur 15",
  "patientForm.phone": "Téléphone du patient",
  "patientForm.phoneHint": "Pour le rappeler si l’appel est coupé",
  "patientForm.address": "Adresse",
  "patientForm.postalCode": "Code postal",
  "patientForm.commune": "Commune",
  "patientForm.doctorName": "Nom du médecin traitant",
  "patientForm.doctorNameHint": "Laissez vide si le patient n’a pas de médecin traitant",
  "patientForm.doctorRpps": "RPPS du médecin traitant",
  "patientForm.ald": "ALD (affection de longue durée)",
  "patientForm.c2s": "C2S (complémentaire santé solidaire)",
  "patientForm.ame": "AME (aide médicale de l’État)",
  "patientForm.weightKg": "Poids (kg)",
  "patientForm.weightKgHint": "Utile pour les enfants, par exemple 12,5",
  "patientForm.submitNew": "Enregistrer le patient",
  "patientForm.submitEdit": "Enregistrer les modifications",
  "patientForm.draftRestored": "Brouillon restauré : la saisie précédente a été reprise.",
  "patientForm.draftDiscard": "Effacer le brouillon",
  "patientForm.draftSaved": "Brouillon enregistré à {time}",

  "coverage.ald": "ALD",
  "coverage.c2s": "C2S",
  "coverage.ame": "AME",

  "sex.F": "Féminin",
  "sex.M": "Masculin",
  "sex.I": "Indéterminé",

  "patient.title": "Dossier patient",
  "patient.born": "Né(e) le {date} ({age})",
  "patient.usedName": "Nom d’usage : {name}",
  "patient.sex": "Sexe",
  "patient.nir": "N° de sécurité sociale",
  "patient.phone": "Téléphone",
  "patient.address": "Adresse",
  "patient.doctor": "Médecin traitant",
  "patient.noDoctor": "Pas de médecin traitant déclaré",
  "patient.coverage": "Prise en charge",
  "patient.noCoverage": "Aucune (ALD, C2S, AME non cochées)",
  "patient.weight": "Poids",
  "patient.weightValue": "{kg} kg",
  "patient.edit": "Modifier l’identité",
  "patient.newConsultation": "Nouvelle consultation",
  "patient.history": "Consultations",
  "patient.noHistory": "Aucune consultation pour ce patient.",
  "patient.open": "Ouvrir",

  "intake.title": "Nouvelle consultation",
  "intake.patient": "Patient : {name}",
  "intake.age": "Âge : {age} (calculé à partir de la date de naissance du {date})",
  "intake.complaint": "Motif de la consultation",
  "intake.complaintHint": "Avec les mots du patient : ce qui l’amène, depuis quand",
  "intake.safety": "Questions de sécurité",
  "intake.safetyIntro": "Posez chaque question au patient. Rien n’est coché d’avance : répondez à chacune.",
  "intake.q.abdominalPain": "Le patient a-t-il mal au ventre (douleur abdominale) ?",
  "intake.q.technicalGesture": "Faut-il un geste technique (suture, points, plâtre…) ?",
  "intake.q.emergencySigns":
    "Y a-t-il un signe d’urgence : douleur dans la poitrine, signes d’AVC, grande difficulté à respirer, perte de connaissance ?",
  "intake.priority": "Critères de priorité",
  "intake.priorityIntro": "Cochez ce qui s’applique (facultatif).",
  "intake.consentSection": "Consentement",
  "intake.consent": "Le patient consent à la téléconsultation",
  "intake.submit": "Valider l’accueil",
  "intake.missing": "Pour continuer : {list}.",
  "intake.missingConsent": "cocher le consentement du patient",
  "intake.ready": "Tout est renseigné : vous pouvez valider.",

  "priority.noTreatingDoctor": "Pas de médecin traitant",
  "priority.mobilityDifficulty": "Difficulté à se déplacer",
  "priority.longDelay": "Délai d’accès à un médecin trop long",
  "priority.chronicDisease": "Maladie chronique (cancer, diabète…)",
  "priority.c2s": "Bénéficiaire de la C2S",
  "priority.age70Plus": "70 ans ou plus",

  "accepted.title": "Téléconsultation possible",
  "accepted.explain": "Les questions de sécurité n’excluent pas la téléconsultation. Demandez maintenant un médecin.",
  "accepted.priority": "Priorité",
  "accepted.priorityNone": "Pas de critère de priorité.",
  "accepted.request": "Demander le médecin",
  "accepted.requesting": "Demande en cours…",

  "waiting.title": "En attente du médecin…",
  "waiting.sent": "Demande envoyée. Le médecin sera mis en relation ici.",
  "waiting.later":
    "La mise en relation vidéo n’est pas encore disponible dans cette version : la demande est enregistrée, restez sur cet écran.",
  "waiting.since": "Demande envoyée à {time}",
  "waiting.cancel": "Annuler la demande",
  "waiting.cancelling": "Annulation…",

  "redirect.kicker": "Téléconsultation impossible",
  "redirect.call15": "Appelez le 15",
  "redirect.number15": "15",
  "redirect.samu": "SAMU — urgence médicale",
  "redirect.urgences": "Rendez-vous aux urgences",
  "redirect.pediatre": "Consultez un pédiatre",
  "redirect.reasons": "Pourquoi",
  "redirect.ack": "J’ai orienté le patient",
  "redirect.ackHint": "Ce bouton ferme cet écran. Appuyez seulement une fois le patient orienté.",

  "audit.title": "Journal d’audit",
  "audit.ok": "Chaîne d’audit vérifiée ✓",
  "audit.broken": "Chaîne d’audit rompue à l’entrée n° {seq}",
  "audit.brokenUnknown": "Chaîne d’audit rompue",
  "audit.brokenHelp": "Le journal a pu être modifié en dehors de Relais. Prévenez le responsable et le support.",
  "audit.empty": "Aucune entrée.",
  "audit.col.seq": "N°",
  "audit.col.at": "Date et heure",
  "audit.col.actor": "Auteur",
  "audit.col.action": "Action",
  "audit.col.record": "Objet",
  "audit.col.detail": "Détail",
  "auditAction.audit.read": "Consultation du journal d’audit",
  "auditAction.storage.unlock": "Ouverture du dossier local",
  "auditAction.site.create": "Création du lieu",
  "auditAction.user.create": "Création d’un compte",
  "auditAction.user.sign_in": "Connexion",
  "auditAction.user.sign_in_failed": "Connexion refusée",
  "auditAction.session.lock": "Verrouillage de la session",
  "auditAction.session.sign_out": "Déconnexion",
  "auditAction.patient.create": "Création d’un patient",
  "auditAction.patient.update": "Modification d’un patient",
  "auditAction.patient.read": "Lecture d’un dossier patient",
  "auditAction.patient.search": "Recherche de patients",
  "auditAction.consultation.create": "Création d’une consultation",
  "auditAction.consultation.requested": "Demande de médecin",
  "auditAction.consultation.cancelled": "Consultation annulée",
  "auditAction.consultation.excluded": "Consultation exclue",
  "auditAction.consultation.redirection_acknowledged": "Patient réorienté (confirmé)",
  "auditAction.triage.accepted": "Tri : téléconsultation possible",
  "auditAction.triage.excluded": "Tri : patient à réorienter",
  "auditAction.triage.refused": "Tri : demande refusée (exclusion)",

  "cstate.draft": "Brouillon",
  "cstate.triaged": "Accueil fait",
  "cstate.requested": "En attente du médecin",
  "cstate.inCall": "En consultation",
  "cstate.reported": "Compte rendu reçu",
  "cstate.closed": "Terminée",
  "cstate.excluded": "Orientée (15 / urgences)",
  "cstate.cancelled": "Annulée",

  "age.underOne": "moins d’un an",

  "header.settings": "Réglages",
  "state.hubSettings": "Réglages : serveur Relais",
  "state.call": "Téléconsultation",
  "state.documents": "Documents du médecin",
  "state.printers": "Réglages : imprimante",
  "header.printers": "Imprimante",

  "documents.title": "Documents du médecin",
  "documents.kind.prescription": "Ordonnance",
  "documents.kind.report": "Compte rendu",
  "documents.received.prescription": "Ordonnance reçue",
  "documents.received.report": "Compte rendu reçu",
  "documents.version": "Version {n}",
  "documents.signedBy": "Signée par {name} le {when}",
  "documents.hash": "Empreinte {hash}",
  "documents.superseded": "{kind} version {n} (remplacée par une version plus récente)",
  "documents.sex.F": "femme",
  "documents.sex.M": "homme",
  "documents.sex.I": "sexe indéterminé",
  "documents.rpps": "RPPS {rpps}",
  "documents.bornOn": "né(e) le {date}",
  "documents.weight": "{kg} kg",
  "documents.duration": "Durée : {value}",
  "documents.quantity": "Quantité : {value}",
  "documents.nonSubstitutable": "Non substituable",
  "documents.zoneAld": "Prescriptions relatives au traitement de l’affection de longue durée (ALD)",
  "documents.zoneOther": "Prescriptions sans rapport avec l’affection de longue durée",
  "documents.none": "Aucune",
  "documents.patient": "Patient",
  "documents.issuedAt": "Date",
  "documents.number": "N° d’ordonnance",
  "documents.report.reason": "Motif",
  "documents.report.findings": "Examen et constatations",
  "documents.report.diagnosis": "Diagnostic",
  "documents.report.orientation": "Orientation",
  "documents.report.acts": "Actes",
  "documents.report.incidents": "Incidents techniques",
  "documents.report.copyTo": "Copie au médecin traitant",
  "documents.fetching": "Récupération des documents du médecin…",
  "documents.printer": "Imprimante : {name}",
  "documents.noPrinter": "Aucune imprimante choisie : touchez « Changer d’imprimante ».",
  "documents.refresh": "Actualiser",
  "documents.changePrinter": "Changer d’imprimante",
  "documents.empty": "Aucun document du médecin pour le moment. Il les envoie à la fin de l’appel ; touchez « Actualiser » pour vérifier.",
  "documents.refusedInCall": "Un document du médecin a été refusé (empreinte incorrecte) : demandez-lui de le renvoyer.",
  "documents.open": "Voir et imprimer",
  "documents.openAfterCall": "Documents et impression",

  "print.print": "Imprimer",
  "print.reprint": "Réimprimer",
  "print.sending": "Envoi à l’imprimante…",
  "print.notPrinted": "Pas encore imprimée",
  "print.pending": "Impression en attente",
  "print.printing": "Impression en cours sur {printer}…",
  "print.done": "Imprimée sur {printer}",
  "print.failed": "Échec de l’impression",
  "print.cancelled": "Impression abandonnée",
  "print.pendingItem": "{kind} (version {n}) sur {printer}, demandée le {when}",
  "print.open": "Voir",
  "print.giveUp": "Abandonner",

  "printers.title": "Réglages — Imprimante",
  "printers.intro": "Choisissez l’imprimante où sortent les ordonnances remises au patient.",
  "printers.choose": "Imprimante des ordonnances",
  "printers.systemDefaultNamed": "Imprimante par défaut du système ({name})",
  "printers.systemDefaultNone": "Imprimante par défaut du système (aucune n’est définie)",
  "printers.ready": "Prête",
  "printers.printing": "En cours d’impression",
  "printers.stopped": "Arrêtée",
  "printers.refusing": "Refuse les impressions",
  "printers.effective": "Les ordonnances seront imprimées sur : {name}",
  "printers.noEffective": "Aucune imprimante n’est choisie : choisissez-en une.",
  "printers.save": "Enregistrer",
  "printers.saved": "Enregistré. Les ordonnances seront imprimées sur {name}.",
  "printers.savedNone": "Enregistré.",
  "printers.refresh": "Actualiser la liste",
  "printers.none": "Aucune imprimante n’est installée sur cet ordinateur. Installez-en une (ou appelez le support), puis touchez « Actualiser la liste ».",

  "error.HUB_NOT_ENROLLED":
    "Ce poste n’est pas encore relié au serveur Relais. Un responsable doit le relier (bouton « Réglages ») avec le code donné par la coordination.",
  "error.HUB_UNREACHABLE": "Le serveur Relais ne répond pas. Vérifiez la connexion Internet de ce poste, puis réessayez.",
  "error.HUB_CERTIFICATE_MISMATCH":
    "Le certificat du serveur ne correspond pas à l’empreinte saisie. Comparez-la caractère par caractère avec la fiche de la coordination ; si elle est identique, ne poursuivez pas et prévenez le support.",
  "error.HUB_BAD_SETTING": "L’adresse ou l’empreinte du serveur n’est pas utilisable. Vérifiez-les sur la fiche de la coordination.",
  "error.HUB_PROTOCOL": "Le serveur Relais a donné une réponse inattendue. Réessayez ; si le problème continue, prévenez le support.",
  "error.BAD_ENROLMENT_CODE":
    "Code d’inscription refusé : il est faux, déjà utilisé ou expiré. Vérifiez-le ou demandez un nouveau code à la coordination.",
  "error.RATE_LIMITED": "Trop d’essais manqués. Attendez quelques minutes avant de réessayer.",
  "error.FORBIDDEN": "Votre compte n’a pas accès à cette action : demandez au responsable du site.",
  "error.CALL_IN_PROGRESS":
    "Un autre appel est déjà en cours sur ce poste. Terminez-le (ou attendez sa fin), puis réessayez.",
  "error.NOT_REQUESTED": "Cette consultation n’est plus en attente d’un médecin.",

  "hub.title": "Réglages — Serveur Relais",
  "hub.intro":
    "Ce poste doit être relié une fois au serveur Relais pour joindre les médecins. Recopiez l’adresse, l’empreinte et le code de la fiche remise par la coordination.",
  "hub.enrolledTitle": "Poste relié au serveur Relais ✓",
  "hub.url": "Adresse du serveur",
  "hub.urlHint": "Commence par https://, par exemple https://relais.exemple.fr",
  "hub.urlInvalid": "Adresse incomplète : elle doit commencer par https:// suivi du nom du serveur.",
  "hub.fingerprint": "Empreinte du certificat (SHA-256)",
  "hub.fingerprintHint":
    "64 caractères (chiffres et lettres de a à f), les deux-points sont acceptés. Laissez vide seulement si la coordination l’indique.",
  "hub.fingerprintInvalid": "Seuls les chiffres 0 à 9 et les lettres a à f sont possibles (les deux-points et espaces sont ignorés).",
  "hub.fingerprintLength": "L’empreinte compte 64 caractères : il y en a {n}.",
  "hub.fingerprintOk": "64 caractères ✓ — comparez groupe par groupe avec la fiche :",
  "hub.fingerprintGroups": "Empreinte par groupes de 4 caractères",
  "hub.code": "Code d’inscription à usage unique",
  "hub.codeHint": "Donné par la coordination ; il ne sert qu’une fois.",
  "hub.codeRequired": "Saisissez le code d’inscription.",
  "hub.submit": "Relier ce poste",
  "hub.enrolling": "Liaison avec le serveur…",
  "hub.enrolled": "Le poste est relié au serveur Relais.",
  "hub.stationName": "Nom de ce poste sur le serveur",
  "hub.enrolledAt": "Relié depuis le",
  "hub.noFingerprint": "Aucune (certificat reconnu)",
  "hub.managerOnly": "Seul un responsable du site peut relier ce poste au serveur Relais.",
  "hub.changeHint": "Pour relier ce poste à un autre serveur, contactez le support.",

  "call.title": "Téléconsultation",
  "call.doctor": "Dr {name}",
  "call.theDoctor": "le médecin",
  "call.state.sending": "Envoi de la demande…",
  "call.state.waitingGp": "En attente d’un médecin",
  "call.state.connecting": "Connexion avec le {doctor}…",
  "call.state.connected": "En communication avec le {doctor}",
  "call.state.reconnecting": "Reconnexion en cours… ne quittez pas",
  "call.state.ended": "Appel terminé",
  "call.state.failed": "Échec : {reason}",
  "call.state.starting": "Préparation de l’appel…",
  "call.failedUnknown": "l’appel n’a pas pu aboutir",
  "call.fail.HUB_UNREACHABLE": "serveur Relais injoignable",
  "call.fail.HUB_NOT_ENROLLED": "poste pas encore relié au serveur Relais",
  "call.fail.HUB_CERTIFICATE_MISMATCH": "certificat du serveur inattendu",
  "call.fail.CALL_IN_PROGRESS": "un autre appel est en cours",
  "call.fail.FORBIDDEN": "action non autorisée",
  "call.elapsed": "depuis {duration}",
  "call.duration.seconds": "{s} s",
  "call.duration.minutes": "{m} min {ss} s",
  "call.duration.hours": "{h} h {mm} min",
  "call.waitingHelp":
    "La demande est transmise aux médecins de permanence. Restez près du patient : le médecin apparaîtra ici dès qu’il accepte.",
  "call.waitingQueued": "Demande envoyée à {time}",
  "call.cancel": "Annuler la demande",
  "call.cancelling": "Annulation…",
  "call.retry": "Réessayer",
  "call.retrying": "Nouvel essai…",
  "call.openSettings": "Ouvrir les réglages",
  "call.excluded": "Téléconsultation impossible pour cette consultation : le patient doit être orienté (15 ou urgences).",
  "call.backToPatient": "Retour au patient",
  "call.video": "Vidéo du médecin",
  "call.videoWaiting": "Image du médecin en attente…",
  "call.videoReconnecting": "Reconnexion de l’image…",
  "call.videoCameraOff": "Votre caméra est coupée : le médecin ne vous voit pas.",
  "call.controls": "Commandes de l’appel",
  "call.mute": "Couper le micro",
  "call.muted": "Micro coupé",
  "call.camera": "Couper la caméra",
  "call.cameraOff": "Caméra coupée",
  "call.hangup": "Raccrocher",
  "call.hangupTitle": "Raccrocher ?",
  "call.hangupExplain": "L’appel sera terminé pour vous et pour le médecin.",
  "call.hangupConfirm": "Oui, raccrocher",
  "call.hangupKeep": "Continuer l’appel",
  "call.hangingUp": "Fin de l’appel…",
  "call.quality": "Qualité : {value}",
  "call.quality.good": "Bonne",
  "call.quality.fair": "Moyenne",
  "call.quality.poor": "Faible",
  "call.quality.unknown": "Mesure en cours…",
  "call.qualityDetail": "délai {rtt} ms · pertes {loss} %",
  "call.chat": "Messages",
  "call.chatEmpty": "Aucun message.",
  "call.chatInput": "Message au médecin",
  "call.chatSend": "Envoyer",
  "call.chatFromStation": "Vous",
  "call.chatLine": "{who}, {time}",
  "call.events": "Journal de l’appel",
  "call.eventsEmpty": "Aucun événement.",
  "call.devices": "Appareils de la station",
  "call.devicesLoading": "Recherche des appareils…",
  "call.devicesUnused": "Appareils détectés par la station.",
  "call.deviceCamera": "Caméra",
  "call.deviceMicrophone": "Micro",
  "call.deviceSpeaker": "Haut-parleur",
  "call.noCamera": "Aucune caméra détectée : l’appel continue en audio.",
  "call.noMicrophone": "Aucun micro détecté : le médecin ne vous entendra pas. Branchez un micro.",
  "call.noSpeaker": "Aucun haut-parleur détecté : vous n’entendrez pas le médecin. Branchez un haut-parleur ou un casque.",
  "call.summary": "Résumé de l’appel",
  "call.summaryDuration": "Durée de la communication : {duration}",
  "call.summaryNoCall": "La communication avec un médecin n’a pas eu lieu.",
  "call.summaryDoctor": "Médecin : {doctor}",

  "console.title": "Relais — console médecin",
  "console.brand": "Console médecin",
  "console.headerLabel": "En-tête de la console",
  "console.signout": "Se déconnecter",
  "console.stateLabel": "État",
  "console.state.starting": "Démarrage…",
  "console.state.signedOut": "Non connecté",
  "console.state.waiting": "Prêt : consultations en attente",
  "console.state.call": "En consultation",
  "console.loading": "Chargement de la console…",
  "console.error.NETWORK": "Le serveur Relais ne répond pas. Vérifiez la connexion internet puis réessayez.",
  "console.error.BAD_CREDENTIALS": "Adresse e-mail ou mot de passe incorrect.",
  "console.error.BAD_TOTP": "Code de l’application d’authentification incorrect ou expiré. Tapez le code affiché maintenant.",
  "console.error.TOTP_REPLAYED": "Ce code a déjà été utilisé. Attendez le code suivant (il change toutes les 30 secondes).",
  "console.error.RATE_LIMITED": "Trop d’essais manqués. Attendez 15 minutes avant de réessayer.",
  "console.error.NOT_SIGNED_IN": "Vous n’êtes pas connecté : connectez-vous.",
  "console.error.SESSION_EXPIRED": "Votre session a expiré : reconnectez-vous.",
  "console.error.ALREADY_ACCEPTED": "Un autre médecin a déjà accepté cette consultation. La liste a été mise à jour.",
  "console.error.NOT_FOUND": "Cette consultation n’est plus disponible. La liste a été mise à jour.",
  "console.error.FORBIDDEN": "Votre compte n’a pas accès à cette action.",
  "console.error.TOKEN_USED": "Ce lien d’appel a déjà servi. Revenez à la liste.",
  "console.error.TOKEN_INVALID": "Lien d’appel inconnu. Revenez à la liste.",
  "console.error.unknown": "Une erreur inattendue est survenue. Réessayez ; si le problème continue, notez le code technique et contactez le support.",
  "console.signin.title": "Connexion médecin",
  "console.signin.intro": "Connectez-vous avec votre adresse e-mail, votre mot de passe et le code à 6 chiffres de votre application d’authentification.",
  "console.signin.email": "Adresse e-mail",
  "console.signin.password": "Mot de passe",
  "console.signin.totp": "Code à 6 chiffres",
  "console.signin.totpHint": "Affiché par votre application d’authentification, il change toutes les 30 secondes.",
  "console.signin.totpFormat": "Tapez les 6 chiffres du code.",
  "console.signin.submit": "Se connecter",
  "console.signin.signedOut": "Vous êtes déconnecté.",
  "console.waiting.title": "Consultations en attente",
  "console.waiting.user": "{name}",
  "console.waiting.empty": "Aucune consultation en attente pour le moment. La liste se met à jour toute seule.",
  "console.waiting.refreshed": "Mise à jour à {time}",
  "console.waiting.offline": "Le serveur ne répond pas : nouvel essai dans quelques secondes. La liste affichée peut être ancienne.",
  "console.waiting.station": "Lieu : {name}",
  "console.waiting.ageSex": "{age}, {sex}",
  "console.waiting.complaint": "Motif",
  "console.waiting.waited": "Attend depuis {duration}",
  "console.waiting.requestedAt": "demandé à {time}",
  "console.waiting.priority": "Prioritaire",
  "console.waiting.priorityReasons": "Critères de priorité",
  "console.waiting.accept": "Accepter",
  "console.waiting.acceptLabel": "Accepter la consultation de {name}",
  "console.waiting.accepting": "Acceptation…",
  "console.duration.lessThanMinute": "moins d’une minute",
  "console.duration.minutes": "{n} min",
  "console.duration.hours": "{h} h {mm}",
  "console.duration.seconds": "{m} min {ss} s",
  "console.call.title": "Consultation en cours",
  "console.call.patient": "{name}, {age}",
  "console.call.remoteVideo": "Vidéo du patient et de l’assistant",
  "console.call.localVideo": "Votre image",
  "console.call.waitingVideo": "En attente de la vidéo de la station…",
  "console.call.controls": "Commandes de l’appel",
  "console.call.muteMic": "Couper le micro",
  "console.call.muteCamera": "Couper la caméra",
  "console.call.micOff": "Micro coupé",
  "console.call.cameraOff": "Caméra coupée",
  "console.call.hangup": "Raccrocher",
  "console.call.state.connecting": "Connexion à la station…",
  "console.call.state.connected": "En consultation",
  "console.call.state.reconnecting": "Reconnexion…",
  "console.call.state.ended": "Consultation terminée",
  "console.call.peerLeft": "La station s’est déconnectée, attente de reconnexion…",
  "console.call.signalLost": "Connexion au serveur perdue, nouvel essai…",
  "console.call.mediaAudioOnly": "Caméra indisponible : l’appel continue en audio seulement. La station vous entend.",
  "console.call.mediaReceiveOnly": "Micro et caméra indisponibles (absents ou refusés) : vous voyez et entendez la station, mais elle ne vous entend pas. Autorisez le micro dans le navigateur puis rappelez.",
  "console.call.quality": "Qualité",
  "console.call.quality.good": "Bonne",
  "console.call.quality.medium": "Moyenne",
  "console.call.quality.poor": "Faible",
  "console.call.quality.unknown": "Mesure…",
  "console.call.qualityDetail": "Délai {rtt} ms · pertes {loss} % · gigue {jitter} ms",
  "console.call.readings": "Mesures",
  "console.call.readingsEmpty": "Aucune mesure reçue pour le moment.",
  "console.call.readingMeta": "{time} · {source}",
  "console.call.sourceManual": "saisie manuelle",
  "console.call.sourceDevice": "appareil {id}",
  "console.call.chat": "Messages",
  "console.call.chatEmpty": "Aucun message.",
  "console.call.chatInput": "Message à la station",
  "console.call.chatSend": "Envoyer",
  "console.call.chatFromGp": "Vous",
  "console.call.chatFromStation": "Station",
  "console.call.chatNotReady": "Messagerie pas encore prête : réessayez dans un instant.",
  "console.call.ended": "Consultation terminée",
  "console.call.endedDuration": "Durée : {duration}",
  "console.call.endedLocal": "Vous avez raccroché.",
  "console.call.endedRemote": "L’appel a été terminé.",
  "console.call.endedSignal": "La liaison avec le serveur est perdue et n’a pas pu être rétablie.",
  "console.call.backToList": "Retour à la liste",
  "console.reading.bloodPressure": "Tension artérielle",
  "console.reading.pulse": "Pouls",
  "console.reading.spO2": "Saturation en oxygène",
  "console.reading.temperature": "Température",
  "console.reading.weight": "Poids",
  "console.reading.glycaemia": "Glycémie capillaire",
  "console.unit.bloodPressure": "{systolic}/{diastolic} mmHg",
  "console.unit.pulse": "{value} /min",
  "console.unit.spO2": "{value} %",
  "console.unit.temperature": "{value} °C",
  "console.unit.weight": "{value} kg",
  "console.unit.glycaemia": "{value} g/L",
  "readings.title": "Mesures",
  "readings.devices": "Appareils",
  "readings.device.searching": "Recherche de l’appareil…",
  "readings.device.connecting": "Connexion…",
  "readings.device.connected": "Connecté",
  "readings.device.reconnecting": "En veille, reconnexion…",
  "readings.device.received": "Mesure reçue à {time}",
  "readings.device.refused": "{name} : {message}",
  "readings.device.pair": "Associer",
  "readings.device.pairing": "Association…",
  "readings.device.none": "Aucun appareil associé. Allumez le tensiomètre, l’oxymètre ou le thermomètre pour l’associer.",
  "readings.device.unavailable": "Bluetooth indisponible : saisissez les mesures à la main.",
  "readings.manual": "Saisie manuelle",
  "readings.kindChoice": "Type de mesure",
  "readings.kind.bloodPressure": "Tension",
  "readings.kind.pulse": "Pouls",
  "readings.kind.spO2": "Saturation (SpO2)",
  "readings.kind.temperature": "Température",
  "readings.kind.weight": "Poids",
  "readings.kind.glycaemia": "Glycémie",
  "readings.field.systolic": "Systolique",
  "readings.field.diastolic": "Diastolique",
  "readings.field.bpm": "Pouls",
  "readings.field.percent": "SpO2",
  "readings.field.celsius": "Température",
  "readings.field.kg": "Poids",
  "readings.field.gPerL": "Glycémie capillaire",
  "readings.error.required": "Saisissez une valeur.",
  "readings.error.notNumber": "Saisissez un nombre (par exemple 37,8).",
  "readings.save": "Enregistrer la mesure",
  "readings.saving": "Enregistrement…",
  "readings.saved": "Mesure enregistrée : {value}.",
  "readings.savedPushed": "Mesure enregistrée et envoyée au médecin : {value}.",
  "readings.confirm.title": "Valeur inhabituelle",
  "readings.confirm.yes": "Confirmer la mesure",
  "readings.confirm.no": "Corriger",
  "readings.taken": "Mesures de la consultation",
  "readings.empty": "Aucune mesure pour cette consultation.",
  "readings.meta": "{time} · {source}",
  "readings.source.manual": "saisie manuelle",
  "readings.source.device": "appareil {name}",
  "readings.unusualConfirmed": "Valeur inhabituelle confirmée",
  "readings.unusualDevice": "Valeur inhabituelle (mesurée par l’appareil)",
  "readings.trend": "Évolution",
  "readings.trendEmpty": "Pas encore de mesure pour ce patient.",
  "readings.trendPoint": "{value} le {date}",
} as const;

const plurals = {
  "age.years": { one: "{n} an", other: "{n} ans" },
  "today.count": { one: "{n} consultation aujourd’hui", other: "{n} consultations aujourd’hui" },
  "today.resultCount": { one: "{n} patient trouvé", other: "{n} patients trouvés" },
  "intake.missingQuestions": { one: "répondre à la question restante", other: "répondre aux {n} questions restantes" },
  "audit.checked": { one: "{n} entrée contrôlée", other: "{n} entrées contrôlées" },
} as const;

export type MessageKey = keyof typeof messages;
export type PluralKey = keyof typeof plurals;
export type Params = Record<string, string | number>;

/** The raw catalogue, for tests and tools. */
export const catalogue: Readonly<Record<MessageKey, string>> = messages;
export const pluralCatalogue: Readonly<Record<PluralKey, { one: string; other: string }>> = plurals;

function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === "number" ? formatNumber(v) : v;
  "documents.renewals": { one: "À renouveler {n} fois", other: "À renouveler {n} fois" },
  "print.attempts": { one: "{n} essai", other: "{n} essais" },
  "print.pendingTitle": { one: "{n} impression en attente", other: "{n} impressions en attente" },
  });
}

/** Look a message up and fill its `{placeholders}`. */
export function t(key: MessageKey, params?: Params): string {
  return fill(messages[key], params);
}

/** Is `key` a message of the catalogue? (for keys built from data, e.g. `cstate.<state>`) */
export function has(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(messages, key);
}

/** French plural rule: 0 and 1 take the singular. */
export function pluralForm(n: number): "one" | "other" {
  return Math.abs(n) < 2 ? "one" : "other";
}

/** Plural message: `{n}` is the count written the French way. */
export function tn(key: PluralKey, n: number, params?: Params): string {
  return fill(plurals[key][pluralForm(n)], { ...params, n });
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * 24/11/2026. Accepts a calendar date `YYYY-MM-DD` (taken as is, no time zone shift),
 * an RFC 3339 timestamp (shown in local time) or a Date.
 */
export function formatDate(value: string | Date): string {
  if (typeof value === "string") {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (m) return `${m[3]}/${m[2]}/${m[1]}`;
    value = new Date(value);
  }
  if (Number.isNaN(value.getTime())) return "";
  return `${pad2(value.getDate())}/${pad2(value.getMonth() + 1)}/${value.getFullYear()}`;
}

/** 10 h 42 (local time). */
export function formatTime(value: string | Date): string {
  const d = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getHours()} h ${pad2(d.getMinutes())}`;
}

/** 24/11/2026 à 10 h 42 */
export function formatDateTime(value: string | Date): string {
  return t("common.dateAtTime", { date: formatDate(value), time: formatTime(value) });
}

/** 37,8 — decimal comma; `digits` fixes the number of decimals when given. */
export function formatDecimal(n: number, digits?: number): string {
  const s = digits === undefined ? String(n) : n.toFixed(digits);
  return s.replace(".", ",").replace("-", "−");
}

/** Integers get a narrow no-break space as thousands separator (12 345); decimals a comma. */
export function formatNumber(n: number): string {
  if (!Number.isInteger(n)) return formatDecimal(n);
  const s = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  return n < 0 ? `−${s}` : s;
}

/** Parse a French decimal ("12,5" or "12.5"); null when empty, NaN when not a number. */
export function parseDecimal(text: string): number | null {
  const s = text.trim().replace(/\s/g, "").replace(",", ".");
  if (s === "") return null;
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
}

/** "82 ans", "1 an", "moins d’un an". */
export function formatAge(years: number): string {
  return years < 1 ? t("age.underOne") : tn("age.years", years);
}
